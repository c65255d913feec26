#!/usr/bin/env python3
"""Builds src/Bulwark/Governance/ShadowAi/genai-services.yaml from the v2fly generative-AI domain list and
supplement.yaml (python3, standard library only). See README.md.

    python3 tools/genai-catalog/build.py [--csv PATH] [--out PATH]

The v2fly CSV (../shared/datasets/genai_domains_v2fly/genai_domains.csv) is grouped into services: a v2fly service
file is one vendor (split into products where the vendor runs several, see SPLIT); rules written directly in a
category file are grouped by registrable domain (GROUPS), because the CSV lost the `# Vendor` comments. supplement.yaml
names every group, states its risk facts, and adds the services v2fly lacks.
"""

import argparse
import csv
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_CSV = os.path.join(ROOT, "..", "shared", "datasets", "genai_domains_v2fly", "genai_domains.csv")
DEFAULT_OUT = os.path.join(ROOT, "src", "Bulwark", "Governance", "ShadowAi", "genai-services.yaml")
SUPPLEMENT = os.path.join(HERE, "supplement.yaml")
V2FLY_COMMIT = "c975ccef9c19f005a3bfa7a33255d1b406deea64"

CATEGORIES = {
    "chat-assistant", "coding-assistant", "image-generation", "video-generation", "audio-generation", "model-api",
    "agent-platform", "transcription", "writing-assistant", "search-assistant", "saas-ai-feature",
}
TRAINS = {"yes", "no", "opt-out", "unknown"}

# Hosts that are not the service's own: third-party telemetry, shared clouds and CDNs. They tell little (the vendor
# moves them at will) and match traffic of other tenants, so they are dropped. @ads rows (telemetry) and regexp rows
# are dropped without being listed here.
DROPPED_SUFFIXES = [
    ("blob.core.windows.net", "Azure Blob storage (shared cloud)"),
    ("azureedge.net", "Azure CDN"),
    ("azurefd.net", "Azure Front Door (CDN)"),
    ("imgix.net", "imgix image CDN"),
    ("cloudinary.com", "Cloudinary media CDN"),
    ("s3.amazonaws.com", "Amazon S3 (shared cloud)"),
    ("b-cdn.net", "Bunny CDN"),
    ("cdn.cloudflare.net", "Cloudflare CDN"),
    ("livekit.cloud", "LiveKit (third-party real-time media)"),
    ("vsassets.io", "Visual Studio Marketplace assets"),
    ("datadoghq.com", "Datadog telemetry"),
    ("sentry.io", "Sentry telemetry"),
    ("qualtrics.com", "Qualtrics surveys"),
    ("statsig.com", "Statsig feature flags/telemetry"),
    ("intercom.io", "Intercom messaging"),
    ("segment.io", "Segment analytics"),
]
DROPPED_EXACT = {
    "oaistatsig.com": "OpenAI's Statsig telemetry proxy",
}

# Vendor files whose products differ in category or risk: rule value -> service id (else FILE_IDS).
SPLIT = {
    # Anthropic: the app vs the API/console
    "anthropic.com": "anthropic",
    # OpenAI
    "chatgpt.com": "chatgpt", "chat.com": "chatgpt", "chatgpt.site": "chatgpt", "oaistatic.com": "chatgpt",
    "oaiusercontent.com": "chatgpt", "sora.com": "sora",
    # ByteDance outside China
    "coze.com": "coze", "marscode.com": "trae", "trae.ai": "trae",
    # xAI
    "x.ai": "xai-api", "grokipedia.com": "grokipedia",
    # Google
    "gemini.google": "gemini", "gemini.google.com": "gemini", "bard.google.com": "gemini",
    "gemini.gstatic.com": "gemini", "robinfrontend-pa.googleapis.com": "gemini",
    "generativelanguage.googleapis.com": "google-ai-studio", "ai.google.dev": "google-ai-studio",
    "alkalicore-pa.clients6.google.com": "google-ai-studio",
    "alkalimakersuite-pa.clients6.google.com": "google-ai-studio",
    "webchannel-alkalimakersuite-pa.clients6.google.com": "google-ai-studio",
    "generativeai.google": "google-ai-studio", "makersuite.google.com": "google-ai-studio",
    "ai.studio": "google-ai-studio", "aistudio.google.com": "google-ai-studio",
    "cloudaicompanion.googleapis.com": "gemini-code-assist", "cloudcode-pa.googleapis.com": "gemini-code-assist",
    "daily-cloudcode-pa.googleapis.com": "gemini-code-assist", "aicode.googleapis.com": "gemini-code-assist",
    "notebooklm-pa.googleapis.com": "notebooklm", "notebooklm.googleapis.com": "notebooklm",
    "notebook.google.com": "notebooklm", "notebooklm.google": "notebooklm", "notebooklm.google.com": "notebooklm",
    "jules.google": "jules", "jules.google.com": "jules",
    "labs.google": "google-labs", "labs.google.com": "google-labs", "aisandbox-pa.googleapis.com": "google-labs",
    "flow.google": "google-flow", "opal.google": "google-opal", "opal.google.com": "google-opal",
    "antigravity-pa.googleapis.com": "google-antigravity", "antigravity.googleapis.com": "google-antigravity",
    "antigravity.google": "google-antigravity", "antigravity-unleash.goog": "google-antigravity",
    "stitch.withgoogle.com": "google-stitch",
    # Category-file rules under a shared parent domain
    "copilot.microsoft.com": "microsoft-copilot", "copilot.cloud.microsoft": "microsoft-365-copilot",
    "qianwen.aliyun.com": "qwen", "tongyi.aliyun.com": "qwen", "yiyan.baidu.com": "ernie-bot",
    "hunyuan.tencent.com": "hunyuan", "yuanbao.tencent.com": "yuanbao", "yuanqi.tencent.com": "yuanqi",
    "gateway.ai.cloudflare.com": "cloudflare-ai-gateway", "xinghuo.xfyun.cn": "iflytek-spark",
    "cueme-api.quark.cn": "cueme", "ai.zhaomi.cn": "nano-ai-search",
    "alice.yandex.net": "yandex-alice", "alice.yandex.ru": "yandex-alice", "alicepro.yandex.ru": "yandex-alice",
}
SPLIT_PREFIXES = [("coze", "doubao", "coze-cn")]  # (value prefix, service file, id): Coze China in the doubao file

FILE_IDS = {
    "anthropic": "claude", "dola": "dola", "cerebras": "cerebras", "comfy-ui-launcher": "comfyui-launcher",
    "comfy": "comfyui", "cursor": "cursor", "elevenlabs": "elevenlabs", "envato": "envato",
    "github-copilot": "github-copilot", "google-deepmind": "google-deepmind", "groq": "groq",
    "huggingface": "hugging-face", "jetbrains-ai": "jetbrains-ai", "liveperson": "liveperson", "manus": "manus",
    "openai": "openai", "perplexity": "perplexity", "poe": "poe", "windsurf": "windsurf", "xai": "grok",
    "youmind": "youmind", "askdiandian": "diandian", "deepseek": "deepseek", "doubao": "doubao",
    "trae": "trae-cn", "xiaomi-ai": "xiaomi-ai",
}
CATEGORY_FILES = {"category-ai-!cn", "category-ai-cn", "category-ai-ru"}

# Category-file rules: registrable domain -> service id (names from the upstream `# Vendor` comments where present).
GROUPS = {
    "coderabbit.ai": "coderabbit", "cohere.ai": "cohere", "cohere.com": "cohere",
    "copilot-stg.com": "microsoft-copilot", "copilot.com": "microsoft-copilot",
    "deepwiki.com": "deepwiki", "deepwiki.org": "deepwiki", "clipdrop.co": "clipdrop", "jasper.ai": "jasper",
    "kimi.ai": "kimi", "kimi.com": "kimi", "moonshot.ai": "moonshot-platform", "moonshot.cn": "moonshot-platform",
    "agentclientprotocol.com": "agent-client-protocol", "anythingllm.com": "anythingllm", "arena.ai": "arena",
    "chutes.ai": "chutes", "clawhub.ai": "clawhub", "crewai.com": "crewai", "devin.ai": "devin",
    "diabrowser.com": "dia-browser", "diabrowser.engineering": "dia-browser", "dify.ai": "dify",
    "dreamgen.com": "dreamgen", "duck.ai": "duck-ai", "h2o.ai": "h2o-ai", "kiro.dev": "kiro",
    "langchain.com": "langchain", "lmstudio.ai": "lm-studio", "lovart.ai": "lovart", "meta.ai": "meta-ai",
    "midjourney.com": "midjourney", "minimax.io": "minimax", "minimaxi.com": "minimax", "mistral.ai": "mistral-ai",
    "mozilla.ai": "mozilla-ai", "notegpt.io": "notegpt", "novelai.net": "novelai", "ollama.com": "ollama",
    "openart.ai": "openart", "openclaw.ai": "openclaw", "openrouter.ai": "openrouter", "openspec.dev": "openspec",
    "plannotator.ai": "plannotator", "qoder.com": "qoder", "sider.ai": "sider", "spicywriter.com": "spicywriter",
    "talkai.info": "talkai", "tapnow.ai": "tapnow", "tapnow.top": "tapnow", "tripo3d.ai": "tripo",
    "liblib.art": "liblib", "liblib.cloud": "liblib", "liblib.tv": "liblib", "rwkv.cn": "rwkv", "rwkv.com": "rwkv",
    "qianwen.com": "qwen", "qianwenai.com": "qwen", "qwen.ai": "qwen", "qwenlm.ai": "qwen", "tongyi.com": "qwen",
    "antafu.com": "ant-afu", "antaq.com": "ant-afu",
    "aorizon.cn": "happy-horse", "happyhorse.cn": "happy-horse", "happyshrimp.cn": "happy-horse",
    "sleeplesshorizon.cn": "happy-horse",
    "dumate.cn": "dumate", "miaoda.cn": "miaoda", "mcpworld.com": "mcp-world", "tiangong.cn": "tiangong",
    "bigmodel.cn": "zhipu-bigmodel", "zhipuai.cn": "zhipu-bigmodel", "zhipucn.com": "zhipu-bigmodel",
    "chatglm.cn": "chatglm", "chatglm.site": "chatglm", "z.ai": "chatglm", "space-z.ai": "chatglm",
    "hailuoai.com": "hailuo", "xingyeai.com": "xingye", "codebuddy.cn": "codebuddy", "baichuan-ai.com": "baichuan",
    "cueme.cn": "cueme", "n.cn": "nano-ai-search", "namiso.com": "nano-ai-search", "miaoyanai.com": "miaoyan",
    "faxingbao.com": "faxingbao", "kechuangai.com": "kling", "kling-ai.com": "kling", "klingai.com": "kling",
    "meta.law": "metaso", "metaso.cn": "metaso", "xiezuocat.com": "xiezuocat",
    "aispeech.com": "aispeech", "dui.ai": "aispeech", "duiopen.com": "aispeech",
    "clawhub-mirror.com": "clawhub-mirror-cn", "skillhub.cn": "skillhub", "safeskill.cn": "safeskill",
    "zhiexa.com": "zhiexa", "linka2a.net": "linknet-a2a", "yzsgo.com": "yazuishou", "shunjing.xin": "shunjing-ai",
    "aiesa.ru": "aiesa", "copymonkey.app": "copymonkey", "gerwin.io": "gerwin", "giga.chat": "gigachat",
    "gptunnel.ru": "gptunnel", "polza.ai": "polza-ai", "robotext.io": "robotext", "rugpt.io": "rugpt",
    "tokenator.top": "tokenator",
}
SECOND_LEVEL = {"com.cn", "net.cn", "org.cn", "co.uk", "com.au", "co.jp"}

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME_RE = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)*$")


def fail(message):
    sys.exit("build.py: " + message)


def registrable(name):
    labels = name.split(".")
    take = 3 if ".".join(labels[-2:]) in SECOND_LEVEL else 2
    return ".".join(labels[-take:])


def dropped_reason(value):
    if value in DROPPED_EXACT:
        return DROPPED_EXACT[value]
    for suffix, reason in DROPPED_SUFFIXES:
        if value == suffix or value.endswith("." + suffix):
            return reason
    return None


def service_for(row):
    value, service_list = row["value"], row["service_list"]
    if value in SPLIT:
        return SPLIT[value]
    for prefix, list_name, service_id in SPLIT_PREFIXES:
        if service_list == list_name and value.startswith(prefix):
            return service_id
    if service_list in CATEGORY_FILES:
        key = registrable(value)
        if key not in GROUPS:
            fail(f"no group for {value} ({service_list}); add its registrable domain {key} to GROUPS")
        return GROUPS[key]
    if service_list not in FILE_IDS:
        fail(f"no service id for the v2fly file {service_list}; add it to FILE_IDS")
    return FILE_IDS[service_list]


# ---- the supplement: a small YAML subset (see its header) ----

def scalar(text, where):
    text = text.strip()
    if text.startswith('"'):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            fail(f"{where}: bad quoted string: {e}")
    if text.startswith("["):
        if not text.endswith("]"):
            fail(f"{where}: unterminated list")
        inner = text[1:-1].strip()
        return [scalar(item, where) for item in inner.split(",")] if inner else []
    return text


def read_supplement(path):
    entries, entry, nested = [], None, None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            where = f"{os.path.basename(path)}:{number}"
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip(" "))
            body = line.strip()
            if body.startswith("- "):
                if indent != 0:
                    fail(f"{where}: an entry starts at column 1")
                entry, nested = {}, None
                entries.append(entry)
                body = body[2:]
                indent = 2
            if entry is None or ":" not in body:
                fail(f"{where}: expected 'key: value'")
            key, _, value = body.partition(":")
            key = key.strip()
            if indent == 2:
                if value.strip() == "":
                    nested = entry.setdefault(key, {})
                else:
                    nested = None
                    entry[key] = scalar(value, where)
            elif indent == 4 and nested is not None:
                nested[key] = scalar(value, where)
            else:
                fail(f"{where}: unexpected indentation")
    return entries


def check_names(names, where):
    for name in names:
        if not NAME_RE.match(name.encode("idna").decode("ascii") if not name.isascii() else name):
            fail(f"{where}: '{name}' is not a host name")


def risk_of(entry, where):
    risk = entry.get("risk")
    if risk is None:
        return {"trains-on-user-data": "unknown", "enterprise-tier": "unknown", "data-residency": "unknown",
                "sso": "unknown", "source": "not assessed: no vendor statement reviewed"}
    expected = {"trains-on-user-data", "enterprise-tier", "data-residency", "sso", "source"}
    if set(risk) != expected:
        fail(f"{where}: risk needs exactly {sorted(expected)}")
    if risk["trains-on-user-data"] not in TRAINS:
        fail(f"{where}: trains-on-user-data must be one of {sorted(TRAINS)}")
    for key in ("enterprise-tier", "sso"):
        if risk[key] not in ("true", "false", "unknown"):
            fail(f"{where}: {key} must be true, false or unknown")
    residency = risk["data-residency"]
    if residency != "unknown" and (not isinstance(residency, list) or not all(REGION_RE.match(r) for r in residency)):
        fail(f"{where}: data-residency must be a list of region codes or unknown")
    return risk


def build(csv_path):
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    grouped, dropped = {}, []
    for row in rows:
        value, kind = row["value"].strip(), row["match_type"]
        if "@ads" in row["attributes"].split():
            dropped.append((value, "@ads (telemetry) in v2fly"))
            continue
        if kind == "regexp":
            dropped.append((value, "regexp rule (not a domain)"))
            continue
        value = value.lower()
        reason = dropped_reason(value)
        if reason:
            dropped.append((value, reason))
            continue
        service_id = service_for(dict(row, value=value))
        group = grouped.setdefault(service_id, {"domains": [], "hosts": [], "lists": set()})
        group["domains" if kind == "domain" else "hosts"].append(value)
        group["lists"].add(row["service_list"])

    services, seen_ids, claimed = [], set(), {}
    for number, entry in enumerate(read_supplement(SUPPLEMENT), 1):
        service_id = entry.get("id", "")
        where = f"supplement entry {number} ({service_id or 'no id'})"
        if not ID_RE.match(service_id):
            fail(f"{where}: id must be kebab-case")
        if service_id in seen_ids:
            fail(f"{where}: duplicate id")
        seen_ids.add(service_id)
        unknown_keys = set(entry) - {"id", "name", "vendor", "category", "domains", "hosts", "risk"}
        if unknown_keys:
            fail(f"{where}: unknown keys {sorted(unknown_keys)}")
        for key in ("name", "vendor", "category"):
            if not entry.get(key):
                fail(f"{where}: {key} is required")
        if entry["category"] not in CATEGORIES:
            fail(f"{where}: category '{entry['category']}' is not one of {sorted(CATEGORIES)}")
        group = grouped.get(service_id, {"domains": [], "hosts": [], "lists": set()})
        domains = group["domains"] + list(entry.get("domains", []))
        hosts = group["hosts"] + list(entry.get("hosts", []))
        if not domains and not hosts:
            fail(f"{where}: no v2fly rule is grouped under this id and it lists no domains or hosts")
        check_names(domains + hosts, where)
        for name in domains + hosts:
            if name in claimed:
                fail(f"{where}: {name} is already claimed by {claimed[name]}")
            claimed[name] = service_id
        origin = ", ".join(f"v2fly:{name}" for name in sorted(group["lists"]))
        if entry.get("domains") or entry.get("hosts") or not origin:
            origin = (origin + ", " if origin else "") + "supplement"
        services.append({
            "id": service_id, "name": entry["name"], "vendor": entry["vendor"], "category": entry["category"],
            "domains": sorted(domains), "hosts": sorted(hosts), "origin": origin, "risk": risk_of(entry, where),
        })
    missing = sorted(set(grouped) - seen_ids)
    if missing:
        fail("v2fly groups without a supplement entry (name them): " + ", ".join(missing))
    services.sort(key=lambda s: s["id"])
    return services, dropped, len(rows)


PLAIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .()/+&'-]*$")


def q(text):
    """A YAML scalar: plain when unambiguous, otherwise a JSON string (valid YAML double-quoted)."""
    if text in ("yes", "no", "true", "false", "null", "on", "off") or not PLAIN_RE.match(text):
        return json.dumps(text, ensure_ascii=False)
    return text


def flow(items):
    return "[" + ", ".join(q(i) for i in items) + "]"


def write(services, dropped, row_count, out_path):
    categories = sorted({s["category"] for s in services})
    lines = [
        "# Generative-AI services for shadow-AI discovery (docs/shadow-ai-catalog.md).",
        "# GENERATED by tools/genai-catalog/build.py: edit tools/genai-catalog/supplement.yaml or the script, then",
        "#   python3 tools/genai-catalog/build.py",
        f"# Sources: v2fly/domain-list-community (MIT) commit {V2FLY_COMMIT}, {row_count} rules of",
        "# category-ai-!cn, category-ai-cn and category-ai-ru; plus the hand-written supplement.",
        f"# {len(services)} services in {len(categories)} categories.",
        "#",
        "# domains: the name and every subdomain (label boundary); hosts: the exact name only.",
        "# A name may sit under another service's domain (chat.mistral.ai under mistral.ai): the longest match wins.",
        "#",
        "# v2fly rules deliberately dropped (not the service's own name, telemetry, or not a domain):",
    ]
    for value, reason in dropped:
        lines.append(f"#   {value}  -- {reason}")
    lines += ["", "services:"]
    for s in services:
        lines.append(f"  - id: {s['id']}")
        lines.append(f"    name: {q(s['name'])}")
        lines.append(f"    vendor: {q(s['vendor'])}")
        lines.append(f"    category: {s['category']}")
        if s["domains"]:
            lines.append(f"    domains: {flow(s['domains'])}")
        if s["hosts"]:
            lines.append(f"    hosts: {flow(s['hosts'])}")
        lines.append(f"    origin: {q(s['origin'])}")
        risk = s["risk"]
        residency = risk["data-residency"]
        lines.append("    risk:")
        lines.append(f"      trains-on-user-data: {q(risk['trains-on-user-data'])}")
        lines.append(f"      enterprise-tier: {risk['enterprise-tier']}")
        lines.append(f"      data-residency: {flow(residency) if isinstance(residency, list) else 'unknown'}")
        lines.append(f"      sso: {risk['sso']}")
        lines.append(f"      source: {q(risk['source'])}")
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return categories


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=DEFAULT_CSV)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    if not os.path.exists(args.csv):
        fail(f"{args.csv} not found (pass --csv)")
    services, dropped, row_count = build(args.csv)
    categories = write(services, dropped, row_count, args.out)
    print(f"{len(services)} services, {len(categories)} categories, {len(dropped)} v2fly rules dropped -> {args.out}")


if __name__ == "__main__":
    main()
