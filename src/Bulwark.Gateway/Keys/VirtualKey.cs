namespace Bulwark.Gateway.Keys;

/// <summary>
/// A Bulwark-issued key as stored: its public id, team, model allow-list and limits — never the key itself.
/// </summary>
/// <param name="Models">Models the key may call; empty means every configured model.</param>
/// <param name="RequestsPerMinute">Null: the gateway's default (limits.default-rpm), or unlimited.</param>
/// <param name="TokensPerMinute">Null: unlimited.</param>
public sealed record VirtualKey(string Id, string Team, IReadOnlyList<string> Models, int? RequestsPerMinute, int? TokensPerMinute, DateTimeOffset Created, DateTimeOffset? Revoked)
{
    public bool Allows(string model) => Models.Count == 0 || Models.Contains(model, StringComparer.Ordinal);
}

/// <summary>A key just created: the only moment its secret exists outside the client.</summary>
public sealed record CreatedKey(VirtualKey Key, string Secret)
{
    public override string ToString() => $"{Key.Id} (secret not shown)";
}
