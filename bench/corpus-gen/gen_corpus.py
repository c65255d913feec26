#!/usr/bin/env python3
"""Generate a deterministic, mixed-content corpus with planted (fake) secrets.

Usage:
    python3 bench/corpus-gen/gen_corpus.py OUT_DIR --size-mb 200 --seed 42

Writes a tree of source code, configs, logs, prose and CSV under OUT_DIR, and a
manifest of every planted secret to OUT_DIR/../corpus-manifest.jsonl (outside the
scanned folder, so a scanner never sees the answers). Each manifest line is
    {"path": "rel/path", "line": N, "end_line": M, "kind": "...", "secretlint_covered": bool}
where line..end_line is the planted secret's span (equal for one-line secrets; a PEM
block or a GCP service-account file spans several lines).

Everything comes from one seeded random.Random, so the same seed and size give the
same bytes. Python stdlib only. All secret values are fabricated: they follow each
provider's format but were never issued by anyone.
"""

import argparse
import base64
import json
import os
import random
import shutil
import sys
import time

MIB = 1024 * 1024
# Roughly one planted secret per this many bytes of corpus.
SECRET_EVERY_BYTES = 200 * 1024

UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LO = "abcdefghijklmnopqrstuvwxyz"
DI = "0123456789"
AN = UP + LO + DI
URLSAFE = AN + "_-"
HEX = "0123456789abcdef"

# A small hand-written vocabulary; identifiers and prose are built from it.
WORDS = """
account action active adapter address agent alert allow amount analysis answer api app archive
array asset async audit auth backend balance batch bucket buffer build bundle cache call
campaign cart catalog channel chart check child client cluster code column commit company
completion config connect consumer context contract count coupon create credit customer
dashboard data date debug default delete deploy detail device diff digest dispatch document
domain draft edge email embed encode endpoint engine entry error event export feature feed
fetch field file filter flag flow folder format frame gateway graph group handler hash
header health history host image import index input insight instance invoice item job key
label language layer layout ledger limit line link list load locale lock log lookup manager
manifest map market match media member memory merge message meta metric migration mode model
module monitor node note notify number object offset option order origin output owner page
panel param parse partner patch path payload payment peer pending period permission pipeline
plan plugin policy pool post prefix price process product profile project prompt provider
proxy publish query queue quota range rank rate reader record redirect region registry
release remote render replica report request resolve resource response result retry review
role route rule runner sample scale schema scope score search section segment select sender
service session setting shard shipment signal size slot snapshot source span stage state
status step storage store stream string subject summary supplier sync table tag target task
team template tenant text thread ticket timeout token topic trace track transfer trigger type
update upload usage user value vector vendor version view volume warning webhook window worker
workflow workspace zone
""".split()

PROSE = """
the a an of to in for on with by from as at this that these it is are was be can will should
may must not only also when then than if each every any all some more most other new same
which while after before between during into over under through we you they our your their
""".split() + WORDS

LEVELS = ["INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"]
HTTP_METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]
HTTP_CODES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503]
TLDS = ["io", "com", "net", "dev", "cloud", "org"]

# Directory names are chosen so no scanner's default skip list (node_modules, vendor,
# build, dist, .git, bin, obj, ...) hides part of the corpus from one tool only.
PROJECT_PREFIX = ["svc", "api", "app", "lib", "ml", "data", "web", "ops", "infra", "tool"]
DIR_WORDS = [w for w in WORDS if w not in {
    "archive", "build", "bundle", "cache", "node", "output", "snapshot", "target", "vendor", "module"}]


class Gen:
    """All random choices go through self.rng so output depends only on the seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        r = self.rng
        self.choice = r.choice
        self.randint = r.randint
        self.bits = r.getrandbits
        # Pre-built pools keep per-line work small (generation must stay well under 2 min).
        self.snakes = ["_".join(r.sample(WORDS, r.randint(1, 3))) for _ in range(3000)]
        self.camels = [self._camel(s) for s in self.snakes]
        self.pascals = [c[0].upper() + c[1:] for c in self.camels]
        self.sentences = [" ".join(r.choice(PROSE) for _ in range(r.randint(4, 14))) for _ in range(4000)]
        self.hosts = ["%s-%s.%s.%s" % (r.choice(WORDS), r.choice(WORDS), r.choice(WORDS), r.choice(TLDS)) for _ in range(300)]

    # ------------------------------------------------------------ primitives
    @staticmethod
    def _camel(snake):
        parts = snake.split("_")
        return parts[0] + "".join(p.capitalize() for p in parts[1:])

    def s(self, alpha, n):
        """Random string over alpha; no run of 3 equal chars so nothing looks like a placeholder."""
        c = self.rng.choices(alpha, k=n)
        for i in range(2, n):
            while c[i] == c[i - 1] == c[i - 2]:
                c[i] = self.choice(alpha)
        return "".join(c)

    def s_edge_alnum(self, alpha, n):
        """Like s(), but first and last chars are alphanumeric (word-boundary-friendly)."""
        return self.choice(AN) + self.s(alpha, n - 2) + self.choice(AN)

    def uuid(self):
        return "%08x-%04x-4%03x-%x%03x-%012x" % (
            self.bits(32), self.bits(16), self.bits(12), 8 + self.bits(2), self.bits(12), self.bits(48))

    def sha1(self):
        return "%040x" % self.bits(160)

    def sha256(self):
        return "%064x" % self.bits(256)

    def b64(self, nbytes):
        return base64.b64encode(self.rng.randbytes(nbytes)).decode()

    def ts(self):
        return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            self.randint(1, 12), self.randint(1, 28), self.randint(0, 23), self.randint(0, 59),
            self.randint(0, 59), self.randint(0, 999))

    def sentence(self):
        return self.choice(self.sentences)

    def ident(self):
        return self.choice(self.snakes)

    def num(self):
        return str(self.choice([self.randint(0, 9), self.randint(10, 999), self.randint(1000, 10 ** 6)]))

    # ------------------------------------------------------------ benign lines per kind
    def benign_value(self):
        """Values that look random but are not secrets: hashes, UUIDs, base64 blobs, numbers."""
        k = self.randint(0, 7)
        if k == 0:
            return self.sha1()
        if k == 1:
            return self.uuid()
        if k == 2:
            return "sha256:" + self.sha256()
        if k == 3:
            return self.b64(self.randint(12, 48))
        if k == 4:
            return self.num()
        if k == 5:
            return "https://%s/%s/%s" % (self.choice(self.hosts), self.choice(WORDS), self.choice(WORDS))
        if k == 6:
            return "%d.%d.%d" % (self.randint(0, 9), self.randint(0, 30), self.randint(0, 99))
        return self.choice(WORDS)

    def near_miss(self, style):
        """Look-alikes a good scanner must not report (env references, placeholders, AWS doc keys)."""
        n = self.choice(["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "HF_TOKEN"])
        k = self.randint(0, 4)
        if style == "py":
            return ['api_key = os.environ["%s"]' % n, 'token = os.getenv("%s", "")' % n,
                    'key = "sk-your-key-here"  # replace me', 'AWS_DOC_SAMPLE = "AKIAIOSFODNN7EXAMPLE"',
                    'api_key = settings.%s' % n.lower()][k]
        if style in ("js", "ts"):
            return ["const apiKey = process.env.%s;" % n, "const key = process.env.%s ?? '';" % n,
                    "const key = 'sk-your-key-here'; // placeholder", "// e.g. AKIAIOSFODNN7EXAMPLE",
                    "const token = config.get('%s');" % n.lower()][k]
        if style in ("env", "ini", "toml", "yaml"):
            sep = {"env": "=", "ini": " = ", "toml": " = ", "yaml": ": "}[style]
            return ["%s%s${%s}" % (n, sep, n), "%s%s<your-key>" % (n, sep), "%s%ssk-your-key-here" % (n, sep),
                    "%s%s" % (n, sep.rstrip()), "# %s%sAKIAIOSFODNN7EXAMPLE" % (n, sep)][k]
        return ["Set `%s` in your shell: `export %s=<your-key>`." % (n, n),
                "The AWS docs use `AKIAIOSFODNN7EXAMPLE` as a sample key id.",
                "Never commit keys; read `%s` from the environment." % n,
                "Example: `%s=sk-your-key-here`" % n, "Use `${%s}` in compose files." % n][k]

    def line_py(self):
        k = self.randint(0, 15)
        i = "    " * self.randint(0, 2)
        if k == 0:
            return "def %s(%s, %s=None):" % (self.ident(), self.ident(), self.ident())
        if k == 1:
            return "%sreturn %s.%s(%s)" % (i, self.ident(), self.ident(), self.ident())
        if k == 2:
            return "%sif %s is None:" % (i, self.ident())
        if k == 3:
            return "%s# %s" % (i, self.sentence())
        if k == 4:
            return '%slogger.info("%s %%s", %s)' % (i, self.sentence(), self.ident())
        if k == 5:
            return "from %s.%s import %s" % (self.choice(WORDS), self.choice(WORDS), self.choice(self.pascals))
        if k == 6:
            return "class %s(%s):" % (self.choice(self.pascals), self.choice(self.pascals))
        if k == 7:
            return '%s%s = "%s"' % (i, self.ident().upper(), self.benign_value())
        if k == 8:
            return '%sraise ValueError("%s")' % (i, self.sentence())
        if k == 9:
            return "%sfor %s in %s.%s():" % (i, self.ident(), self.ident(), self.ident())
        if k == 10:
            return "%s%s = %s" % (i, self.ident(), self.num())
        if k == 11:
            return ""
        if k == 12 and self.randint(0, 20) == 0:
            return i + self.near_miss("py")
        return "%s%s = %s.%s(%s, %s=%s)" % (i, self.ident(), self.ident(), self.ident(), self.ident(), self.ident(), self.num())

    def line_js(self, ts=False):
        k = self.randint(0, 13)
        i = "  " * self.randint(0, 3)
        if k == 0:
            t = ": %s" % self.choice(["string", "number", "boolean", self.choice(self.pascals)]) if ts else ""
            return "export function %s(%s%s) {" % (self.choice(self.camels), self.choice(self.camels), t)
        if k == 1:
            return "%sreturn %s.%s(%s);" % (i, self.choice(self.camels), self.choice(self.camels), self.choice(self.camels))
        if k == 2:
            return "%s// %s" % (i, self.sentence())
        if k == 3:
            return "import { %s } from './%s';" % (self.choice(self.pascals), self.choice(WORDS))
        if k == 4:
            return "%sconst %s = '%s';" % (i, self.choice(self.camels), self.benign_value())
        if k == 5:
            return "%sif (!%s) {" % (i, self.choice(self.camels))
        if k == 6:
            return "%s}" % i
        if k == 7:
            return "%sconsole.log(`%s ${%s}`);" % (i, self.sentence(), self.choice(self.camels))
        if k == 8:
            return "%sawait %s.%s({ %s: %s });" % (i, self.choice(self.camels), self.choice(self.camels), self.choice(self.camels), self.num())
        if k == 9 and ts:
            return "export interface %s { %s: string; %s?: number }" % (self.choice(self.pascals), self.choice(self.camels), self.choice(self.camels))
        if k == 10:
            return ""
        if k == 11 and self.randint(0, 20) == 0:
            return i + self.near_miss("ts" if ts else "js")
        return "%slet %s = %s.%s(%s);" % (i, self.choice(self.camels), self.choice(self.camels), self.choice(self.camels), self.num())

    def line_cs(self):
        k = self.randint(0, 11)
        i = "    " * self.randint(1, 3)
        if k == 0:
            return "%spublic %s %s(%s %s)" % (i, self.choice(["void", "int", "string", "Task", self.choice(self.pascals)]), self.choice(self.pascals), self.choice(self.pascals), self.choice(self.camels))
        if k == 1:
            return "%s{" % i
        if k == 2:
            return "%s}" % i
        if k == 3:
            return "%s// %s" % (i, self.sentence())
        if k == 4:
            return "%svar %s = await _%s.%sAsync(%s);" % (i, self.choice(self.camels), self.choice(self.camels), self.choice(self.pascals), self.choice(self.camels))
        if k == 5:
            return '%sprivate const string %s = "%s";' % (i, self.choice(self.pascals), self.benign_value())
        if k == 6:
            return "using %s.%s;" % (self.choice(self.pascals), self.choice(self.pascals))
        if k == 7:
            return '%s_logger.LogInformation("%s {Id}", %s);' % (i, self.sentence(), self.choice(self.camels))
        if k == 8:
            return ""
        return "%sif (%s.%s > %s) return %s;" % (i, self.choice(self.camels), self.choice(self.pascals), self.num(), self.choice(self.camels))

    def line_go(self):
        k = self.randint(0, 10)
        i = "\t" * self.randint(0, 2)
        if k == 0:
            return "func (s *%s) %s(ctx context.Context, %s string) error {" % (self.choice(self.pascals), self.choice(self.pascals), self.choice(self.camels))
        if k == 1:
            return "%sif err != nil {" % i
        if k == 2:
            return '%sreturn fmt.Errorf("%s: %%w", err)' % (i, self.sentence())
        if k == 3:
            return "%s// %s" % (i, self.sentence())
        if k == 4:
            return "%s%s := %s.%s(%s)" % (i, self.choice(self.camels), self.choice(self.camels), self.choice(self.pascals), self.num())
        if k == 5:
            return '%sconst %s = "%s"' % (i, self.choice(self.camels), self.benign_value())
        if k == 6:
            return "}"
        if k == 7:
            return ""
        return '%slog.Printf("%s %%v", %s)' % (i, self.sentence(), self.choice(self.camels))

    def line_java(self):
        k = self.randint(0, 10)
        i = "    " * self.randint(1, 3)
        if k == 0:
            return "%spublic %s %s(%s %s) {" % (i, self.choice(["void", "int", "String", self.choice(self.pascals)]), self.choice(self.camels), self.choice(self.pascals), self.choice(self.camels))
        if k == 1:
            return "%s}" % i
        if k == 2:
            return "%s// %s" % (i, self.sentence())
        if k == 3:
            return "import com.%s.%s.%s;" % (self.choice(WORDS), self.choice(WORDS), self.choice(self.pascals))
        if k == 4:
            return '%sprivate static final String %s = "%s";' % (i, self.ident().upper(), self.benign_value())
        if k == 5:
            return '%slog.info("%s {}", %s);' % (i, self.sentence(), self.choice(self.camels))
        if k == 6:
            return ""
        return "%s%s %s = %s.%s(%s);" % (i, self.choice(self.pascals), self.choice(self.camels), self.choice(self.camels), self.choice(self.camels), self.num())

    def line_yaml(self):
        k = self.randint(0, 9)
        i = "  " * self.randint(0, 3)
        if k == 0:
            return "%s%s:" % (i, self.ident())
        if k == 1:
            return "%s# %s" % (i, self.sentence())
        if k == 2:
            return "%s- %s" % (i, self.benign_value())
        if k == 3 and self.randint(0, 15) == 0:
            return i + self.near_miss("yaml")
        return "%s%s: %s" % (i, self.ident(), self.benign_value())

    def line_toml(self):
        k = self.randint(0, 9)
        if k == 0:
            return "[%s.%s]" % (self.ident(), self.ident())
        if k == 1:
            return "# %s" % self.sentence()
        if k == 2 and self.randint(0, 15) == 0:
            return self.near_miss("toml")
        return '%s = "%s"' % (self.ident(), self.benign_value())

    def line_ini(self):
        k = self.randint(0, 9)
        if k == 0:
            return "[%s]" % self.ident()
        if k == 1:
            return "; %s" % self.sentence()
        if k == 2 and self.randint(0, 15) == 0:
            return self.near_miss("ini")
        return "%s = %s" % (self.ident(), self.benign_value())

    def line_env(self):
        k = self.randint(0, 9)
        if k == 0:
            return "# %s" % self.sentence()
        if k == 1 and self.randint(0, 5) == 0:
            return self.near_miss("env")
        return "%s=%s" % (self.ident().upper(), self.benign_value())

    def line_log(self):
        k = self.randint(0, 5)
        head = "%s %-5s [%s-%d] %s -" % (self.ts(), self.choice(LEVELS), self.choice(["worker", "http", "main", "sched"]), self.randint(1, 16), self.choice(WORDS))
        if k == 0:
            return '%s %s %s /%s/%s/%s %d %dms request_id=%s' % (head, self.choice(HTTP_METHODS), self.choice(self.hosts), self.choice(WORDS), self.choice(WORDS), self.uuid(), self.choice(HTTP_CODES), self.randint(1, 3000), self.uuid())
        if k == 1:
            return "%s deployed commit %s to %s" % (head, self.sha1(), self.choice(self.hosts))
        if k == 2:
            return "%s payload=%s" % (head, self.b64(self.randint(16, 96)))
        return "%s %s %s=%s" % (head, self.sentence(), self.ident(), self.benign_value())

    def line_md(self):
        k = self.randint(0, 12)
        if k == 0:
            return "## " + self.sentence().capitalize()
        if k == 1:
            return ""
        if k == 2:
            return "- " + self.sentence()
        if k == 3:
            return "`%s` %s." % (self.ident(), self.sentence())
        if k == 4 and self.randint(0, 10) == 0:
            return self.near_miss("md")
        return " ".join(self.sentence() for _ in range(self.randint(1, 4))).capitalize() + "."

    def line_csv(self):
        return '%s,%s,u_%d,%s,"%s",%d,%d,%s' % (
            self.ts(), self.uuid(), self.randint(10000, 99999), self.choice(["gpt-4o-mini", "claude-3-5-haiku", "llama-3.1-8b", "mistral-small"]),
            self.sentence(), self.randint(10, 900), self.randint(50, 4000), self.sha1()[:12])

    def json_record(self):
        return '  {"id": %d, "%s": "%s", "%s": "%s", "%s": %s, "ref": "%s"}' % (
            self.randint(1, 10 ** 7), self.ident(), self.choice(WORDS), self.ident(), self.benign_value(),
            self.ident(), self.num(), self.uuid())

    # ------------------------------------------------------------ secret values
    def pem_rsa(self):
        """Fabricated PKCS#1 RSA key: a real DER prefix (so it starts with MIIE...) then random bytes."""
        der = bytes.fromhex("308204a4020100028201010000") + self.rng.randbytes(1179)
        b = base64.b64encode(der).decode()
        body = [b[i:i + 64] for i in range(0, len(b), 64)]
        return ["-----BEGIN RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----"]

    def pem_pkcs8(self):
        der = bytes.fromhex("308204bd020100300d06092a864886f70d0101010500048204a7") + self.rng.randbytes(1191)
        b = base64.b64encode(der).decode()
        return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + "\n-----END PRIVATE KEY-----\n"


# kind -> (secretlint_covered, variable names, value factory). Coverage was checked against
# the rules bundled in @secretlint/secretlint-rule-preset-recommend with its default options
# (its AWS access-key-ID check is opt-in, so a bare AKIA id is not covered).
def secret_kinds(g):
    s, e = g.s, g.s_edge_alnum
    return {
        # -- covered by secretlint's recommended preset
        "github-pat": (True, ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"], lambda: "ghp_" + s(AN, 36)),
        "github-oauth": (True, ["GITHUB_OAUTH_TOKEN", "GH_OAUTH"], lambda: "gho_" + s(AN, 36)),
        "github-app": (True, ["GITHUB_APP_TOKEN", "GHS_TOKEN"], lambda: "ghs_" + s(AN, 36)),
        "github-fine-grained": (True, ["GITHUB_TOKEN", "GH_PAT"], lambda: "github_pat_" + s(AN, 22) + "_" + s(AN, 59)),
        "npm-token": (True, ["NPM_TOKEN", "NPM_AUTH_TOKEN"], lambda: "npm_" + s(AN, 36)),
        "slack-bot-token": (True, ["SLACK_BOT_TOKEN", "SLACK_TOKEN"],
                            lambda: "xoxb-%d-%d-%s" % (g.randint(10 ** 10, 10 ** 12), g.randint(10 ** 12, 10 ** 13), s(AN, 24))),
        "slack-user-token": (True, ["SLACK_USER_TOKEN"],
                             lambda: "xoxp-%d-%d-%d-%s" % (g.randint(10 ** 10, 10 ** 12), g.randint(10 ** 10, 10 ** 12), g.randint(10 ** 12, 10 ** 13), s(HEX, 32))),
        "slack-webhook": (True, ["SLACK_WEBHOOK_URL", "ALERTS_WEBHOOK"],
                          lambda: "https://hooks.slack.com/services/T%s/B%s/%s" % (s(UP + DI, 10), s(UP + DI, 10), s(AN, 24))),
        "openai-key": (True, ["OPENAI_API_KEY", "OPENAI_KEY"], lambda: "sk-proj-" + e(URLSAFE, 58) + "T3BlbkFJ" + e(URLSAFE, 58)),
        "anthropic-key": (True, ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"], lambda: "sk-ant-api03-" + e(URLSAFE, 93) + "AA"),
        "groq-key": (True, ["GROQ_API_KEY"], lambda: "gsk_" + s(AN, 52)),
        "huggingface-token": (True, ["HF_TOKEN", "HUGGINGFACE_TOKEN"], lambda: "hf_" + s(UP + LO, 34)),
        "sendgrid-key": (True, ["SENDGRID_API_KEY"], lambda: "SG." + s(AN, 22) + "." + s(AN, 43)),
        "shopify-token": (True, ["SHOPIFY_ACCESS_TOKEN"], lambda: "shpat_" + s(HEX, 32)),
        "linear-key": (True, ["LINEAR_API_KEY"], lambda: "lin_api_" + s(AN, 40)),
        "aws-secret-key": (True, ["AWS_SECRET_ACCESS_KEY"], lambda: e(AN + "/+", 40)),
        "basic-auth-url": (True, ["REGISTRY_URL", "MIRROR_URL", "UPSTREAM_URL"],
                           lambda: "https://%s:%s@%s/%s" % (g.choice(["deploy", "ci-bot", "svc_reports", "mirror", "jenkins"]), s(AN, g.randint(14, 24)), g.choice(g.hosts), g.choice(WORDS))),
        "postgres-url": (True, ["DATABASE_URL", "PG_DSN"],
                         lambda: "postgresql://%s:%s@%s:5432/%s" % (g.choice(["app", "billing", "reporter", "etl"]), s(AN, g.randint(14, 24)), g.choice(g.hosts), g.choice(WORDS))),
        # -- not covered by secretlint's recommended preset (Bulwark-only formats)
        "aws-access-key-id": (False, ["AWS_ACCESS_KEY_ID"], lambda: "AKIA" + s(UP + DI, 16)),
        "replicate-token": (False, ["REPLICATE_API_TOKEN"], lambda: "r8_" + s(AN, 37)),
        "xai-key": (False, ["XAI_API_KEY"], lambda: "xai-" + s(AN, 80)),
        "perplexity-key": (False, ["PERPLEXITY_API_KEY", "PPLX_API_KEY"], lambda: "pplx-" + s(AN, 48)),
        "openrouter-key": (False, ["OPENROUTER_API_KEY"], lambda: "sk-or-v1-" + s(HEX, 64)),
        "langsmith-key": (False, ["LANGCHAIN_API_KEY", "LANGSMITH_API_KEY"], lambda: "lsv2_pt_" + s(HEX, 32) + "_" + s(HEX, 10)),
        "stripe-live-key": (False, ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], lambda: "sk_live_" + s(AN, 24)),
        "google-api-key": (False, ["GOOGLE_API_KEY", "GEMINI_API_KEY"], lambda: "AIza" + e(URLSAFE, 35)),
    }


# Relative weights for choosing which kind to plant (AWS secret keys are planted
# together with an access key id, see plant_lines). Roughly 70% secretlint-covered.
KIND_WEIGHTS = {
    "github-pat": 6, "github-oauth": 2, "github-app": 2, "github-fine-grained": 3, "npm-token": 4,
    "slack-bot-token": 4, "slack-user-token": 2, "slack-webhook": 4, "openai-key": 7, "anthropic-key": 6,
    "groq-key": 3, "huggingface-token": 4, "sendgrid-key": 3, "shopify-token": 2, "linear-key": 2,
    "aws-secret-key": 6, "basic-auth-url": 4, "postgres-url": 4, "private-key": 4,
    "replicate-token": 4, "xai-key": 3, "perplexity-key": 3, "openrouter-key": 3, "langsmith-key": 3,
    "stripe-live-key": 3, "google-api-key": 3,
}


def fmt_assign(g, style, name, value):
    """Render NAME=value in the idiom of the file's language/format."""
    snake = name.lower()
    camel = Gen._camel(snake)
    pascal = camel[0].upper() + camel[1:]
    k = g.randint(0, 1)
    if style == "py":
        return ['%s = "%s"' % (name, value), '    %s = "%s"' % (snake, value)][k]
    if style in ("js", "ts"):
        return ['const %s = "%s";' % (camel, value), "  %s: '%s'," % (camel, value)][k]
    if style == "cs":
        return ['    private const string %s = "%s";' % (pascal, value), '        var %s = "%s";' % (camel, value)][k]
    if style == "go":
        return ['const %s = "%s"' % (camel, value), '\t%s := "%s"' % (camel, value)][k]
    if style == "java":
        return '    private static final String %s = "%s";' % (name, value)
    if style == "yaml":
        return ["  %s: %s" % (snake, value), '    %s: "%s"' % (snake, value)][k]
    if style == "toml":
        return '%s = "%s"' % (snake, value)
    if style == "ini":
        return "%s = %s" % (snake, value)
    if style == "env":
        return ["%s=%s" % (name, value), 'export %s="%s"' % (name, value)][k]
    if style == "log":
        return ["%s WARN  [main-1] config - loaded %s=%s from environment" % (g.ts(), name, value),
                "%s DEBUG [http-%d] client - using %s=%s" % (g.ts(), g.randint(1, 16), snake, value)][k]
    if style == "md":
        return ["    export %s=%s" % (name, value), "Set `%s=%s` before starting the service." % (name, value)][k]
    if style == "csv":
        return '%s,%s,u_%d,gpt-4o-mini,"it still fails with %s=%s, any idea?",%d,%d,%s' % (
            g.ts(), g.uuid(), g.randint(10000, 99999), name, value, g.randint(10, 900), g.randint(50, 4000), g.sha1()[:12])
    if style == "json":
        return '  {"id": %d, "service": "%s", "%s": "%s", "ref": "%s"}' % (g.randint(1, 10 ** 7), g.choice(WORDS), snake, value, g.uuid())
    raise ValueError(style)


def pem_block(g, style):
    """A PEM private key embedded in a way that is natural for the file's format.

    Returns (lines, first, last): the span first..last (0-based, inclusive) is the key itself."""
    pem = g.pem_rsa()
    if style == "py":
        return ['DEPLOY_KEY = """' + pem[0]] + pem[1:-1] + [pem[-1] + '"""'], 0, len(pem) - 1
    if style == "yaml":
        # the key name line counts too: a scanner may reasonably report there
        return ["  ssh_private_key: |"] + ["    " + x for x in pem], 0, len(pem)
    if style == "md":
        return ["```"] + pem + ["```"], 1, len(pem)
    return pem, 0, len(pem) - 1


# File kinds: style, extension, share of files, line generator, and whether the kind may
# get the multi-MiB sizes (only logs, JSON data, CSV and prose do, as in real repos).
def file_kinds(g):
    return [
        # (style, ext, weight, line_fn, can_be_large)
        ("py", ".py", 12, g.line_py, False),
        ("js", ".js", 8, lambda: g.line_js(False), False),
        ("ts", ".ts", 8, lambda: g.line_js(True), False),
        ("cs", ".cs", 7, g.line_cs, False),
        ("go", ".go", 6, g.line_go, False),
        ("java", ".java", 6, g.line_java, False),
        ("yaml", ".yaml", 8, g.line_yaml, False),
        ("json", ".json", 6, None, True),
        ("toml", ".toml", 3, g.line_toml, False),
        ("ini", ".ini", 3, g.line_ini, False),
        ("env", ".env", 3, g.line_env, False),
        ("log", ".log", 8, g.line_log, True),
        ("md", ".md", 9, g.line_md, True),
        ("csv", ".csv", 6, g.line_csv, True),
    ]


SUBDIRS = {
    "py": "src", "js": "web/src", "ts": "web/src", "cs": "dotnet", "go": "cmd", "java": "java/src/main",
    "yaml": "config", "json": "data", "toml": "config", "ini": "config", "env": "deploy",
    "log": "logs", "md": "docs", "csv": "data",
}


def pick_size(g, can_be_large):
    """Bytes for the next file: mostly small, some medium, a few up to ~4 MiB."""
    r = g.rng.random()
    if can_be_large and r < 0.06:
        return g.randint(1024, 4096) * 1024
    if r < 0.26:
        return g.randint(64, 512) * 1024
    return g.randint(2, 64) * 1024


def build_lines(g, style, line_fn, target_bytes):
    lines, size = [], 0
    if style == "json":
        while size < target_bytes:
            ln = g.json_record()
            lines.append(ln)
            size += len(ln) + 2
        return lines
    while size < target_bytes:
        ln = line_fn()
        lines.append(ln)
        size += len(ln) + 1
    return lines


def plant(g, kinds, style, lines, n_secrets, relpath, manifest):
    """Insert n_secrets secrets at random line positions; record each one's final line span."""
    names = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[n] for n in names]
    # Pick positions first, then insert from the bottom up so earlier indexes stay valid.
    inserts = []
    for _ in range(n_secrets):
        kind = g.rng.choices(names, weights)[0]
        if kind == "private-key" and style not in ("py", "yaml", "md"):
            kind = "openai-key"  # multi-line PEM only where it reads naturally
        pos = g.randint(0, len(lines))
        if kind == "private-key":
            block, first, last = pem_block(g, style)
            entries = [(first, last, "private-key", True)]
        elif kind == "aws-secret-key":
            # Real leaks come as a pair; the id alone is outside secretlint's default coverage.
            block = [fmt_assign(g, style, "AWS_ACCESS_KEY_ID", kinds["aws-access-key-id"][2]()),
                     fmt_assign(g, style, "AWS_SECRET_ACCESS_KEY", kinds["aws-secret-key"][2]())]
            entries = [(0, 0, "aws-access-key-id", False), (1, 1, "aws-secret-key", True)]
        else:
            covered, var_names, make = kinds[kind]
            block = [fmt_assign(g, style, g.choice(var_names), make())]
            entries = [(0, 0, kind, covered)]
        inserts.append((pos, block, entries))
    inserts.sort(key=lambda t: t[0])
    out, prev = [], 0
    for pos, block, entries in inserts:
        out.extend(lines[prev:pos])
        start = len(out)
        out.extend(block)
        for a, b, kind, covered in entries:
            manifest.append({"path": relpath, "line": start + a + 1, "end_line": start + b + 1,
                             "kind": kind, "secretlint_covered": covered})
        prev = pos
    out.extend(lines[prev:])
    return out


def gcp_service_account_file(g):
    """A standalone GCP service-account key file (secretlint's GCP rule needs the whole JSON)."""
    project = "%s-%s-%d" % (g.choice(WORDS), g.choice(WORDS), g.randint(100000, 999999))
    sa = g.choice(WORDS) + "-sa"
    doc = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": g.s(HEX, 40),
        "private_key": g.pem_pkcs8(),
        "client_email": "%s@%s.iam.gserviceaccount.com" % (sa, project),
        "client_id": str(g.randint(10 ** 20, 10 ** 21 - 1)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/%s%%40%s.iam.gserviceaccount.com" % (sa, project),
        "universe_domain": "googleapis.com",
    }
    return json.dumps(doc, indent=2) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--size-mb", type=float, default=200.0, help="target corpus size in MiB")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    t0 = time.time()
    out_dir = os.path.abspath(args.out_dir)
    parent = os.path.dirname(out_dir)
    if os.path.exists(out_dir) and os.listdir(out_dir):
        # Only ever delete a folder this script made (it leaves corpus-info.json beside it).
        if not os.path.exists(os.path.join(parent, "corpus-info.json")):
            sys.exit("refusing to overwrite %s: not empty and not a generated corpus" % out_dir)
        shutil.rmtree(out_dir)
    elif os.path.exists(out_dir):
        os.rmdir(out_dir)
    os.makedirs(out_dir)

    g = Gen(args.seed)
    kinds = secret_kinds(g)
    fk = file_kinds(g)
    fk_weights = [k[2] for k in fk]
    target = int(args.size_mb * MIB)
    projects = ["%s-%s-%s" % (g.choice(PROJECT_PREFIX), g.choice(DIR_WORDS), g.choice(DIR_WORDS))
                for _ in range(max(4, int(args.size_mb // 8)))]
    manifest, total, nfiles, used = [], 0, 0, set()

    def write(rel, text):
        nonlocal total, nfiles
        full = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        data = text.encode("utf-8")
        with open(full, "wb") as f:
            f.write(data)
        total += len(data)
        nfiles += 1

    def unique(rel):
        base, ext = os.path.splitext(rel)
        i = 2
        while rel in used:
            rel = "%s_%d%s" % (base, i, ext)
            i += 1
        used.add(rel)
        return rel

    carry = 0.0  # fractional secrets carried over so the overall rate is exact
    while total < target:
        project = g.choice(projects)
        # About 1 file in 150 is a standalone key file (GCP JSON or a PEM).
        if g.randint(0, 149) == 0:
            if g.randint(0, 1):
                rel = unique("%s/secrets/%s-%s.json" % (project, g.choice(WORDS), g.s(HEX, 12)))
                text = gcp_service_account_file(g)
                write(rel, text)
                manifest.append({"path": rel, "line": 1, "end_line": text.count("\n"),
                                 "kind": "gcp-service-account", "secretlint_covered": True})
            else:
                rel = unique("%s/keys/%s_rsa.pem" % (project, g.choice(DIR_WORDS)))
                pem = g.pem_rsa()
                write(rel, "\n".join(pem) + "\n")
                manifest.append({"path": rel, "line": 1, "end_line": len(pem), "kind": "private-key",
                                 "secretlint_covered": True})
            carry -= 1  # these count toward the planting rate
            continue

        style, ext, _, line_fn, can_be_large = g.rng.choices(fk, fk_weights)[0]
        size = min(pick_size(g, can_be_large), max(2048, target - total))
        depth = g.randint(0, 2)
        folder = "/".join([project, SUBDIRS[style]] + [g.choice(DIR_WORDS) for _ in range(depth)])
        if style == "env":
            fname = g.choice([".env", ".env.production", "%s.env" % g.choice(DIR_WORDS)])
        else:
            fname = g.ident() + ext
        rel = unique(folder + "/" + fname)

        lines = build_lines(g, style, line_fn, size)
        carry += size / SECRET_EVERY_BYTES
        n = int(carry)
        if n == 0 and g.rng.random() < carry:  # small files still get a fair chance of a secret
            n = 1
        carry -= n
        first = len(manifest)
        body = plant(g, kinds, style, lines, n, rel, manifest)
        if style == "json":
            # One record per line, wrapped in an array so the file stays valid JSON;
            # the opening '[' pushes every record down one line.
            text = "[\n" + ",\n".join(body) + "\n]\n"
            for m in manifest[first:]:
                m["line"] += 1
                m["end_line"] += 1
        else:
            text = "\n".join(body) + "\n"
        write(rel, text)

    man_path = os.path.join(parent, "corpus-manifest.jsonl")
    with open(man_path, "w") as f:
        for m in manifest:
            f.write(json.dumps(m) + "\n")
    info = {"seed": args.seed, "size_mb": args.size_mb, "files": nfiles, "bytes": total,
            "secrets": len(manifest), "secretlint_covered": sum(m["secretlint_covered"] for m in manifest),
            "generator_seconds": round(time.time() - t0, 2)}
    with open(os.path.join(parent, "corpus-info.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print("corpus: %d files, %.1f MiB, %d planted secrets (%d secretlint-covered) in %.1fs -> %s" % (
        nfiles, total / MIB, info["secrets"], info["secretlint_covered"], info["generator_seconds"], out_dir),
        file=sys.stderr)


if __name__ == "__main__":
    main()
