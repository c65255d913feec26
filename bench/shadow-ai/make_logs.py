#!/usr/bin/env python3
"""Writes a synthetic proxy or Zeek log of a given size for the shadow-AI discovery bench (bench/shadow-ai.sh).

Seeded, so every run writes the same bytes. About 6 % of requests go to generative-AI services (hosts drawn from the
catalog's domains, with subdomains and mixed case), the rest to ordinary sites, from 2,000 users on 500 clients.

    python3 make_logs.py squid|zeek-ssl SIZE_MB AI_DOMAINS_FILE OUTPUT
"""
import random
import sys

OTHER = """google.com www.google.com fonts.googleapis.com microsoft.com login.microsoftonline.com outlook.office365.com
github.com api.github.com raw.githubusercontent.com slack.com app.slack.com zoom.us salesforce.com atlassian.net
jira.example.com confluence.example.com amazonaws.com s3.amazonaws.com cloudfront.net akamaihd.net apple.com
icloud.com dropbox.com box.com wikipedia.org en.wikipedia.org stackoverflow.com reddit.com linkedin.com
youtube.com ytimg.com facebook.com instagram.com twitter.com x.com netflix.com spotify.com bbc.co.uk nytimes.com
cnn.com adobe.com okta.com duckduckgo.com bing.com yahoo.com docker.io registry-1.docker.io pypi.org
files.pythonhosted.org npmjs.org registry.npmjs.org nuget.org api.nuget.org ubuntu.com archive.ubuntu.com
debian.org deb.debian.org mozilla.org cdn.jsdelivr.net unpkg.com cloudflare.com workday.com servicenow.com
zendesk.com hubspot.com mailchimp.com stripe.com paypal.com shopify.com wordpress.com medium.com""".split()


def main():
    kind, size_mb, domains_file, output = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(20261124)
    ai = [d.strip() for d in open(domains_file, encoding="utf-8") if d.strip() and not d.startswith("#")]
    ai_hosts = [rng.choice(["", "www.", "api.", "chat.", "app."]) + d for d in ai for _ in range(2)]
    ai_hosts += [h.upper() for h in ai_hosts[:50]]
    users = [f"user{i:04d}" for i in range(2000)]
    clients = [f"10.{i // 250}.{i % 250}.{(i * 7) % 250 + 1}" for i in range(500)]
    # People use a few AI tools each, not all of them: each user and client has three favourites it uses 90 % of
    # the time and three it tries now and then, which keeps the report (users x services) the size a real one has,
    # and the same for the whole log as for its first part.
    favourites = {who: rng.sample(ai_hosts, 6) for who in users + clients}
    target = size_mb * 1024 * 1024
    written = 0
    t = 1795478400.0  # 2026-11-24 00:00 UTC
    with open(output, "w", encoding="utf-8", newline="\n") as out:
        if kind == "zeek-ssl":
            header = ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tssl\n"
                      "#open\t2026-11-24-00-00-00\n"
                      "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsubject\tissuer\tvalidation_status\n"
                      "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tvector[string]\tvector[string]\tstring\tstring\tstring\n")
            out.write(header)
            written += len(header)
        batch = []
        while written < target:
            t += rng.random() * 0.01
            client = rng.choice(clients)
            user = rng.choice(users)
            who = user if kind == "squid" else client
            if rng.random() < 0.06:
                host = rng.choice(favourites[who][:3]) if rng.random() < 0.9 else rng.choice(favourites[who][3:])
            else:
                host = rng.choice(OTHER)
            if kind == "squid":
                size = rng.randint(200, 250000)
                if rng.random() < 0.7:
                    line = f"{t:.3f} {rng.randint(1, 9000):6d} {client} TCP_TUNNEL/200 {size} CONNECT {host}:443 {user} HIER_DIRECT/203.0.113.{rng.randint(1, 254)} -\n"
                else:
                    line = f"{t:.3f} {rng.randint(1, 900):6d} {client} TCP_MISS/200 {size} GET http://{host}/{rng.randint(1, 99999)}/index.html {user} HIER_DIRECT/198.51.100.{rng.randint(1, 254)} text/html\n"
            else:
                uid = "C%016x" % rng.getrandbits(64)
                line = (f"{t:.6f}\t{uid}\t{client}\t{rng.randint(1024, 65535)}\t203.0.113.{rng.randint(1, 254)}\t443\tTLSv13\t"
                        f"TLS_AES_128_GCM_SHA256\tx25519\t{host}\tF\t-\th2\tT\tCsiI\t(empty)\t(empty)\t-\t-\t-\n")
            batch.append(line)
            written += len(line)
            if len(batch) >= 10000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
        if kind == "zeek-ssl":
            out.write("#close\t2026-11-25-00-00-00\n")


if __name__ == "__main__":
    main()
