using System.Text;

namespace Bulwark.Bench;

/// <summary>Deterministic mixed text (code, config, logs, prose) with a few planted secrets, for in-process benchmarks.</summary>
internal static class MixedText
{
    private static readonly string[] Lines =
    [
        "def handle_request(request, context):",
        "    result = client.chat.completions.create(model=\"gpt-4o\", messages=messages)",
        "    logger.info(\"request %s took %d ms\", request.id, elapsed)",
        "import numpy as np",
        "const config = require('./config.json');",
        "  timeout: 30s",
        "  replicas: 3",
        "2026-11-02T10:15:32.118Z INFO  [worker-3] processed batch 8812 in 341 ms (status=ok)",
        "2026-11-02T10:15:33.004Z WARN  [http] upstream 10.0.4.17:8080 slow response, retrying",
        "The retrieval step selects the five most similar passages and passes them to the model.",
        "Customers asked about refunds, shipping times and how to reset a password on the portal.",
        "id,name,email_hash,created_at,plan",
        "81231,Ada,5f4dcc3b5aa765d61d8327deb882cf99,2026-01-04,pro",
        "commit 3f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39",
        "    \"checksum\": \"sha256:9b74c9897bac770ffc029102a200c5de6f3b5c2d7a8e1f0a9b8c7d6e5f4a3b2c\",",
        "public async Task<IActionResult> GetAsync(Guid id, CancellationToken ct) => Ok(await _store.FindAsync(id, ct));",
        "session_id = 7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "<dependency><groupId>org.apache</groupId><artifactId>commons-lang3</artifactId></dependency>",
    ];

    private static readonly string[] Secrets =
    [
        "OPENAI_API_KEY=sk-proj-Qm4ZkP9wLx7bN2vR8tYc1dJfT3BlbkFJh6GsW0eUaM5oXiV3nKqP",
        "aws_access_key_id = AKIAZ7QW3RT5YU2IO4PL",
        "GITHUB_TOKEN=ghp_R8kq2LmZx7Wv3Pn9Tb5Yc1Hd6Fj4Gs0Ue2Ai",
        "slack: xoxb-284719563021-931847562019-Zk3Lq8Wx2Rv7Pm4Tn9Bc1Hd",
    ];

    public static string Generate(int characters, int seed = 42)
    {
        var random = new Random(seed);
        var text = new StringBuilder(characters + 200);
        while (text.Length < characters)
        {
            text.AppendLine(random.Next(2000) == 0 ? Secrets[random.Next(Secrets.Length)] : Lines[random.Next(Lines.Length)]);
        }
        return text.ToString();
    }
}
