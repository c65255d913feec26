using System.CommandLine;
using System.Globalization;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Configuration;
using Bulwark.Kernel;

namespace Bulwark.Cli.Commands;

/// <summary>What <c>keys create|update</c> and <c>teams create|update</c> read: the limits and policy keys and teams share.</summary>
internal sealed record AccessSettings(
    Change<IReadOnlyList<string>> Models, Change<int?> RequestsPerMinute, Change<int?> TokensPerMinute, Change<long?> BudgetTokensPerDay, Change<string?> GuardPolicy);

/// <summary>
/// The options for models, rpm, tpm, the daily token budget and the guard policy, and on updates <c>--clear</c> to
/// remove some. A guard policy name is checked against the config's <c>guards.policies</c> when <c>--config</c> is given.
/// </summary>
internal sealed class AccessLimitOptions
{
    private static readonly string[] Clearable = ["models", "rpm", "tpm", "budget-tokens-per-day", "guard-policy"];

    private readonly Option<string?> _models;
    private readonly Option<int?> _rpm;
    private readonly Option<int?> _tpm;
    private readonly Option<long?> _budget;
    private readonly Option<string?> _guardPolicy;
    private readonly Option<string?>? _clear;

    public AccessLimitOptions(string whose, bool clearable = false)
    {
        _models = new("--models") { Description = $"{whose} comma-separated allowed models (default: every configured model)" };
        _rpm = new("--rpm") { Description = $"{whose} requests per minute" + (whose == "The key's" ? " (default: the gateway's limits.default-rpm)" : " (shared by its keys)") };
        _tpm = new("--tpm") { Description = $"{whose} model tokens per minute (default: unlimited)" };
        _budget = new("--budget-tokens-per-day") { Description = $"{whose} model tokens per UTC day (default: no budget); spent: 429 insufficient_quota until 00:00 UTC" };
        _guardPolicy = new("--guard-policy") { Description = $"{whose} guard policy: 'default' or a name from the config's guards.policies" };
        if (clearable) _clear = new("--clear") { Description = $"Comma-separated settings to remove: {string.Join(", ", Clearable)}" };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _models, _rpm, _tpm, _budget, _guardPolicy }) command.Options.Add(option);
        if (_clear is not null) command.Options.Add(_clear);
    }

    public AccessSettings Read(ParseResult parse, TextWriter stderr)
    {
        foreach (var (name, value) in new[] { ("--rpm", (long?)parse.GetValue(_rpm)), ("--tpm", parse.GetValue(_tpm)), ("--budget-tokens-per-day", parse.GetValue(_budget)) })
        {
            if (value is < 1) throw new BulwarkInputException($"{name} must be at least 1 (got {value})");
        }
        var clear = (_clear is null ? null : parse.GetValue(_clear))?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (clear.FirstOrDefault(c => !Clearable.Contains(c)) is { } unknown) throw new BulwarkInputException($"--clear: '{unknown}' is not one of {string.Join(", ", Clearable)}");

        var policy = parse.GetValue(_guardPolicy);
        if (policy is not null) CheckPolicy(parse, policy, stderr);
        return new AccessSettings(
            Set(parse.GetValue(_models) is { } models ? models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null, clear.Contains("models"), (IReadOnlyList<string>)[]),
            Set(parse.GetValue(_rpm), clear.Contains("rpm"), (int?)null),
            Set(parse.GetValue(_tpm), clear.Contains("tpm"), (int?)null),
            Set(parse.GetValue(_budget), clear.Contains("budget-tokens-per-day"), (long?)null),
            Set(policy, clear.Contains("guard-policy"), (string?)null));
    }

    public static string Shown(IReadOnlyList<string> models) => models.Count == 0 ? "(all)" : string.Join(',', models);

    public static string Shown(long? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static Change<T> Set<T>(T? given, bool cleared, T empty)
    {
        if (given is not null && cleared) throw new BulwarkInputException("a setting cannot be both given and cleared (--clear)");
        return given is not null ? new Change<T>(true, given) : cleared ? new Change<T>(true, empty) : default;
    }

    private static void CheckPolicy(ParseResult parse, string policy, TextWriter stderr)
    {
        if (GuardPolicyNames.Problem(policy) is { } problem) throw new BulwarkInputException($"--guard-policy: {problem}");
        if (parse.GetValue(GatewayCommand.Config) is { } config && parse.GetValue(GatewayCommand.Database) is null)
        {
            var names = GatewayConfigLoader.LoadGuardPolicyNames(config);
            if (!names.Contains(policy)) throw new BulwarkInputException($"--guard-policy: '{policy}' is not defined in {config} (guards.policies: {string.Join(", ", names.Order(StringComparer.Ordinal))})");
        }
        else
        {
            stderr.WriteLine($"bulwark: cannot check guard policy '{policy}' without --config; the gateway refuses requests that name a policy its config lacks");
        }
    }
}
