namespace Bulwark.Gateway.Keys;

/// <summary>
/// A Bulwark-issued key as stored: its public id, team, model allow-list and limits — never the key itself.
/// </summary>
/// <param name="Models">Models the key may call; empty means every configured model.</param>
/// <param name="RequestsPerMinute">Null: the gateway's default (limits.default-rpm), or unlimited.</param>
/// <param name="TokensPerMinute">Null: unlimited.</param>
/// <param name="BudgetTokensPerDay">Model tokens the key may use per UTC day; null: no budget.</param>
/// <param name="GuardPolicy">A named guard policy (guards.policies) for this key's requests; null: the team's, the model's or the default.</param>
/// <param name="TeamPolicy">The team's row, when the team has one: its limits apply on top of the key's.</param>
public sealed record VirtualKey(
    string Id,
    string Team,
    IReadOnlyList<string> Models,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    DateTimeOffset Created,
    DateTimeOffset? Revoked,
    long? BudgetTokensPerDay = null,
    string? GuardPolicy = null,
    TeamPolicy? TeamPolicy = null)
{
    /// <summary>Both the key's and its team's allow-lists must name the model (an empty list allows every model).</summary>
    public bool Allows(string model) => AccessLimits.AllowsModel(Models, model) && (TeamPolicy is null || AccessLimits.AllowsModel(TeamPolicy.Models, model));

    /// <summary>The guard policy name this key's requests ask for: the key's own, else its team's.</summary>
    public string? EffectiveGuardPolicy => GuardPolicy ?? TeamPolicy?.GuardPolicy;
}

/// <summary>A key just created: the only moment its secret exists outside the client.</summary>
public sealed record CreatedKey(VirtualKey Key, string Secret)
{
    public override string ToString() => $"{Key.Id} (secret not shown)";
}
