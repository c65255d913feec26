using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Keys;

namespace Bulwark.Gateway.Admin;

/// <summary>A field an admin request set (to a value, or to null to clear it), or left alone.</summary>
public readonly record struct Change<T>(bool IsSet, T Value)
{
    public T Or(T current) => IsSet ? Value : current;
}

/// <summary>
/// What an admin request asks to set on a key or a team, read strictly: an unknown field, a wrong type or a bad
/// value is an error naming the field, all reported at once. A field left out stays as it is (PATCH) or unset
/// (POST); <c>null</c> clears a limit or a policy, and <c>"models": null</c> or <c>[]</c> allows every model.
/// </summary>
public sealed class AccessChanges
{
    public const string TeamField = "team";
    public const string NameField = "name";
    public const string ModelsField = "models";
    public const string RpmField = "rpm";
    public const string TpmField = "tpm";
    public const string BudgetField = "budget_tokens_per_day";
    public const string GuardPolicyField = "guard_policy";

    public static readonly string[] SharedFields = [ModelsField, RpmField, TpmField, BudgetField, GuardPolicyField];

    public Change<string> Team { get; private init; }
    public Change<string> Name { get; private init; }
    public Change<IReadOnlyList<string>> Models { get; private init; }
    public Change<int?> RequestsPerMinute { get; private init; }
    public Change<int?> TokensPerMinute { get; private init; }
    public Change<long?> BudgetTokensPerDay { get; private init; }
    public Change<string?> GuardPolicy { get; private init; }

    /// <summary>Reads <paramref name="body"/>, accepting only <paramref name="fields"/>; problems go to <paramref name="errors"/>.</summary>
    public static AccessChanges Read(JsonObject body, IReadOnlyCollection<string> fields, GatewayOptions options, GuardPolicies policies, List<string> errors)
    {
        foreach (var name in body.Select(p => p.Key).Where(k => !fields.Contains(k)))
            errors.Add($"'{Shown(name)}': unknown field (accepted: {string.Join(", ", fields)})");
        return new AccessChanges
        {
            Team = ReadName(body, TeamField, errors),
            Name = ReadName(body, NameField, errors),
            Models = ReadModels(body, options, errors),
            RequestsPerMinute = Narrow(ReadLimit(body, RpmField, int.MaxValue, errors)),
            TokensPerMinute = Narrow(ReadLimit(body, TpmField, int.MaxValue, errors)),
            BudgetTokensPerDay = ReadLimit(body, BudgetField, long.MaxValue, errors),
            GuardPolicy = ReadPolicy(body, policies, errors),
        };
    }

    /// <summary>The key with these changes (its id, secret hash and dates cannot change).</summary>
    public VirtualKey ApplyTo(VirtualKey key) => key with
    {
        Team = Team.Or(key.Team),
        Models = Models.Or(key.Models),
        RequestsPerMinute = RequestsPerMinute.Or(key.RequestsPerMinute),
        TokensPerMinute = TokensPerMinute.Or(key.TokensPerMinute),
        BudgetTokensPerDay = BudgetTokensPerDay.Or(key.BudgetTokensPerDay),
        GuardPolicy = GuardPolicy.Or(key.GuardPolicy),
    };

    /// <summary>The team with these changes (its name cannot change: keys refer to it).</summary>
    public TeamPolicy ApplyTo(TeamPolicy team) => team with
    {
        Models = Models.Or(team.Models),
        RequestsPerMinute = RequestsPerMinute.Or(team.RequestsPerMinute),
        TokensPerMinute = TokensPerMinute.Or(team.TokensPerMinute),
        BudgetTokensPerDay = BudgetTokensPerDay.Or(team.BudgetTokensPerDay),
        GuardPolicy = GuardPolicy.Or(team.GuardPolicy),
    };

    private static Change<string> ReadName(JsonObject body, string field, List<string> errors)
    {
        if (!body.TryGetPropertyValue(field, out var node)) return default;
        if (node is not JsonValue value || !value.TryGetValue<string>(out var name)) { errors.Add($"'{field}': must be a string"); return default; }
        if (AccessLimits.TeamNameProblem(name) is { } problem) { errors.Add($"'{field}': {problem}"); return default; }
        return new Change<string>(true, name);
    }

    private static Change<IReadOnlyList<string>> ReadModels(JsonObject body, GatewayOptions options, List<string> errors)
    {
        if (!body.TryGetPropertyValue(ModelsField, out var node)) return default;
        if (node is null) return new Change<IReadOnlyList<string>>(true, []);
        if (node is not JsonArray array) { errors.Add($"'{ModelsField}': must be an array of model names, or null for every model"); return default; }
        var models = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue value || !value.TryGetValue<string>(out var model)) { errors.Add($"'{ModelsField}': every item must be a model name (a string)"); return default; }
            if (!options.Routes.ContainsKey(model)) errors.Add($"'{ModelsField}': '{Shown(model)}' is not a model this gateway routes ({string.Join(", ", options.Routes.Keys.Order(StringComparer.Ordinal))})");
            else if (!models.Contains(model)) models.Add(model);
        }
        return new Change<IReadOnlyList<string>>(true, models);
    }

    private static Change<long?> ReadLimit(JsonObject body, string field, long max, List<string> errors)
    {
        if (!body.TryGetPropertyValue(field, out var node)) return default;
        if (node is null) return new Change<long?>(true, null);
        if (node is JsonValue value && value.TryGetValue<long>(out var limit) && limit >= 1 && limit <= max) return new Change<long?>(true, limit);
        errors.Add($"'{field}': must be a whole number from 1 to {max}, or null for no limit");
        return default;
    }

    // ReadLimit has checked the value fits.
    private static Change<int?> Narrow(Change<long?> change) => new(change.IsSet, (int?)change.Value);

    private static Change<string?> ReadPolicy(JsonObject body, GuardPolicies policies, List<string> errors)
    {
        if (!body.TryGetPropertyValue(GuardPolicyField, out var node)) return default;
        if (node is null) return new Change<string?>(true, null);
        if (node is JsonValue value && value.TryGetValue<string>(out var name) && policies.Contains(name)) return new Change<string?>(true, name);
        errors.Add($"'{GuardPolicyField}': must be one of this gateway's guard policies ({string.Join(", ", policies.Names)}), or null");
        return default;
    }

    private static string Shown(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
