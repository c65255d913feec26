namespace Bulwark.Infra.Probe;

/// <summary>
/// What an answer must look like: every part given must hold. Built from the catalog; see the header of
/// <c>ai-service-fingerprints.yaml</c> for the meaning of each part.
/// </summary>
public sealed record ResponseCondition
{
    public required IReadOnlyList<int> Statuses { get; init; }
    public IReadOnlyList<JsonPath> JsonPresent { get; init; } = [];
    public IReadOnlyList<KeyValuePair<JsonPath, string>> JsonEquals { get; init; } = [];
    public IReadOnlyList<string> BodyContains { get; init; } = [];
    public string? BodyEquals { get; init; }

    /// <summary>Header name (lower case) and a substring its value must hold; an empty substring only asks for the header.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public bool Matches(ProbeResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!Statuses.Contains(response.Status)) return false;
        foreach (var (name, part) in Headers)
        {
            if (response.Header(name) is not { } value || !value.Contains(part, StringComparison.OrdinalIgnoreCase)) return false;
        }
        foreach (var part in BodyContains)
        {
            if (!response.Text.Contains(part, StringComparison.OrdinalIgnoreCase)) return false;
        }
        if (BodyEquals is not null && !string.Equals(response.Text.Trim(), BodyEquals, StringComparison.Ordinal)) return false;
        if (JsonPresent.Count == 0 && JsonEquals.Count == 0) return true;
        if (response.Json is not { } json) return false;
        foreach (var path in JsonPresent)
        {
            if (path.Select(json).Count == 0) return false;
        }
        foreach (var (path, expected) in JsonEquals)
        {
            if (!path.Select(json).Any(e => string.Equals(JsonPath.ScalarText(e), expected, StringComparison.OrdinalIgnoreCase))) return false;
        }
        return true;
    }

    /// <summary>A short, fixed description for evidence: what matched, never what the server said.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        parts.AddRange(JsonPresent.Select(p => p.Text == "$" ? "JSON body" : $"json {p.Text}"));
        parts.AddRange(JsonEquals.Select(p => $"json {p.Key.Text} = {p.Value}"));
        parts.AddRange(BodyContains.Select(b => $"body contains \"{b}\""));
        if (BodyEquals is not null) parts.Add($"body is \"{BodyEquals}\"");
        parts.AddRange(Headers.Select(h => h.Value.Length == 0 ? $"header {h.Key}" : $"header {h.Key} contains \"{h.Value}\""));
        return string.Join(", ", parts);
    }
}
