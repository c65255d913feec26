using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Storage;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gateway --config FILE</c> runs the gateway in-process; <c>bulwark keys create|list|update|revoke</c>,
/// <c>bulwark teams</c> (<see cref="TeamsCommand"/>) and <c>bulwark audit query</c> work on the gateway's database, SQLite or PostgreSQL (named by the config, or <c>--database</c>), also
/// while the gateway runs. Key secrets are printed once, on stdout, at creation.
/// </summary>
internal static class GatewayCommand
{
    internal static readonly Option<string?> Config = new("--config", "-c") { Description = "Gateway config YAML (its 'database' is used)" };
    internal static readonly Option<string?> Database = new("--database") { Description = "The gateway's database instead of --config: a SQLite file, a PostgreSQL connection string (postgres://… or Host=…), or env:VAR holding either" };
    internal static readonly Option<bool> Json = new("--json") { Description = "Machine output (JSON) on stdout" };

    public static IEnumerable<Command> Create(IAnsiConsole stdout, TextWriter rawStdout, TextWriter stderr)
    {
        var serve = new Command("gateway", "Run the guardrail gateway: an OpenAI-compatible proxy enforcing guards, keys, limits and audit (docs/gateway.md)");
        var serveConfig = new Option<string>("--config", "-c") { Description = "Gateway config YAML (samples/gateway/gateway.yaml)", Required = true };
        serve.Options.Add(serveConfig);
        serve.SetAction(async (parse, cancellationToken) =>
        {
            await GatewayApp.RunAsync(parse.GetValue(serveConfig)!, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Clean;
        });
        return [serve, Keys(stdout, rawStdout, stderr), TeamsCommand.Create(stdout, rawStdout, stderr), Audit(stdout, rawStdout, stderr)];
    }

    private static Command Keys(IAnsiConsole stdout, TextWriter rawStdout, TextWriter stderr)
    {
        var team = new Option<string>("--team") { Description = "Team the key belongs to (its limits and guard policy apply too, when 'bulwark teams' gave it any)", Required = true };
        var limits = new AccessLimitOptions("The key's");
        var create = new Command("create", "Create a virtual key; the key is printed once, on stdout, and stored only as a SHA-256 hash") { Config, Database, team, Json };
        limits.AddTo(create);
        create.SetAction(parse =>
        {
            var teamName = TeamName(parse.GetValue(team)!);
            var settings = limits.Read(parse, stderr);
            var created = Store(parse).Create(teamName, settings.Models.Or([]), settings.RequestsPerMinute.Value, settings.TokensPerMinute.Value,
                settings.BudgetTokensPerDay.Value, settings.GuardPolicy.Value);
            if (parse.GetValue(Json))
            {
                var json = AccessJson.Key(created.Key);
                json["key"] = created.Secret;
                rawStdout.WriteLine(json.ToJsonString());
            }
            else
            {
                rawStdout.WriteLine(created.Secret);
                stderr.WriteLine($"bulwark: created {created.Key.Id} for team '{teamName}'; the key above is shown only now: store it, Bulwark keeps only its hash");
            }
            return ExitCodes.Clean;
        });

        var all = new Option<bool>("--all") { Description = "Include revoked keys" };
        var list = new Command("list", "List virtual keys (ids, teams, models, limits; never the keys)") { Config, Database, all, Json };
        list.SetAction(parse =>
        {
            var keys = Store(parse).List(parse.GetValue(all));
            if (parse.GetValue(Json))
            {
                foreach (var key in keys) rawStdout.WriteLine(AccessJson.Key(key).ToJsonString());
                return ExitCodes.Clean;
            }
            var table = new Table().AddColumns("id", "team", "models", "rpm", "tpm", "tokens/day", "guard policy", "created", "revoked");
            foreach (var k in keys)
            {
                table.AddRow(Markup.Escape(k.Id), Markup.Escape(k.Team), Markup.Escape(AccessLimitOptions.Shown(k.Models)),
                    AccessLimitOptions.Shown(k.RequestsPerMinute), AccessLimitOptions.Shown(k.TokensPerMinute), AccessLimitOptions.Shown(k.BudgetTokensPerDay),
                    Markup.Escape(k.GuardPolicy ?? "-"), k.Created.ToString("u", CultureInfo.InvariantCulture), k.Revoked?.ToString("u", CultureInfo.InvariantCulture) ?? "");
            }
            stdout.Write(table);
            return ExitCodes.Clean;
        });

        var id = new Argument<string>("id") { Description = "The key's id (key_…), as 'keys list' shows it" };
        var revoke = new Command("revoke", "Revoke a virtual key; the gateway refuses it from the next request") { Config, Database, id };
        revoke.SetAction(parse =>
        {
            var keyId = parse.GetValue(id)!;
            if (!Store(parse).Revoke(keyId)) throw new BulwarkInputException($"no active key '{keyId}' (see 'bulwark keys list')");
            stderr.WriteLine($"bulwark: revoked {keyId}");
            return ExitCodes.Clean;
        });

        var updateId = new Argument<string>("id") { Description = "The key's id (key_…), as 'keys list' shows it" };
        var newTeam = new Option<string?>("--team") { Description = "Move the key to this team" };
        var changes = new AccessLimitOptions("The key's", clearable: true);
        var update = new Command("update", "Change an active key's team, models, limits or guard policy (from the gateway's next request)") { Config, Database, updateId, newTeam, Json };
        changes.AddTo(update);
        update.SetAction(parse =>
        {
            var keyId = parse.GetValue(updateId)!;
            var settings = changes.Read(parse, stderr);
            var store = Store(parse);
            if (store.Get(keyId) is not { Revoked: null } key) throw new BulwarkInputException($"no active key '{keyId}' (see 'bulwark keys list')");
            var changed = key with
            {
                Team = parse.GetValue(newTeam) is { } moved ? TeamName(moved) : key.Team,
                Models = settings.Models.Or(key.Models),
                RequestsPerMinute = settings.RequestsPerMinute.Or(key.RequestsPerMinute),
                TokensPerMinute = settings.TokensPerMinute.Or(key.TokensPerMinute),
                BudgetTokensPerDay = settings.BudgetTokensPerDay.Or(key.BudgetTokensPerDay),
                GuardPolicy = settings.GuardPolicy.Or(key.GuardPolicy),
            };
            if (!store.Update(changed)) throw new BulwarkInputException($"no active key '{keyId}' (see 'bulwark keys list')");
            if (parse.GetValue(Json)) rawStdout.WriteLine(AccessJson.Key(store.Get(keyId)!).ToJsonString());
            else stderr.WriteLine($"bulwark: updated {keyId}");
            return ExitCodes.Clean;
        });
        return new Command("keys", "Gateway virtual keys: create, list, update, revoke") { create, list, update, revoke };
    }

    private static Command Audit(IAnsiConsole stdout, TextWriter rawStdout, TextWriter stderr)
    {
        var since = new Option<string?>("--since") { Description = "Only records since: a duration back from now (30m, 24h, 7d) or a UTC time (2025-01-31T12:00:00Z)" };
        var key = new Option<string?>("--key") { Description = "Only this key id (key_…)" };
        var rule = new Option<string?>("--rule") { Description = "Only records where this rule id hit" };
        var limit = new Option<int>("--limit") { Description = "At most this many records, newest first", DefaultValueFactory = _ => 100 };
        var decrypt = new Option<string[]>("--decrypt-key")
        {
            Description = "Open full-encrypted prompts with the audit key in this environment variable (env:VAR); repeat for keys rotated out",
        };
        var query = new Command("query", "Search the gateway's audit trail (one record per request)") { Config, Database, since, key, rule, limit, decrypt, Json };
        query.SetAction(parse =>
        {
            var excerpts = new AuditExcerptReader([.. (parse.GetValue(decrypt) ?? []).Select(AuditKey)]);
            var records = new AuditStore(Open(parse)).Query(new AuditQuery(Since(parse.GetValue(since)), parse.GetValue(key), parse.GetValue(rule), parse.GetValue(limit)))
                .Select(r => r with { Excerpt = excerpts.Show(r) }).ToList();
            if (parse.GetValue(Json))
            {
                foreach (var record in records) rawStdout.WriteLine(JsonSerializer.Serialize(record, AuditJson));
            }
            else
            {
                var table = new Table().AddColumns("time (UTC)", "key", "team", "model", "status", "ms", "tokens", "verdict", "rules", "error", "excerpt");
                foreach (var r in records)
                {
                    table.AddRow(r.Time.ToString("u", CultureInfo.InvariantCulture), r.KeyId ?? "-", Markup.Escape(r.Team ?? "-"), Markup.Escape(r.Model ?? "-"),
                        r.Status.ToString(CultureInfo.InvariantCulture), r.LatencyMs.ToString("0.#", CultureInfo.InvariantCulture), r.TotalTokens?.ToString(CultureInfo.InvariantCulture) ?? "-",
                        r.Verdict, Markup.Escape(string.Join(' ', r.Rules)), Markup.Escape(r.Error ?? ""), Markup.Escape(Shorten(r.Excerpt ?? "", 120)));
                }
                stdout.Write(table);
            }
            if (excerpts.Unopened == 0) return ExitCodes.Clean;
            stderr.WriteLine($"bulwark: {excerpts.Unopened} encrypted prompt(s) did not open with their key: the record or its ciphertext was altered, or moved from another record");
            return ExitCodes.Findings;
        });
        return new Command("audit", "The gateway's audit trail") { query };
    }

    /// <summary>An audit key from the environment only (a key on the command line would stay in the shell's history); never echoed.</summary>
    private static AuditPromptCipher AuditKey(string setting)
    {
        if (!setting.StartsWith("env:", StringComparison.Ordinal) || setting.Length == 4)
            throw new BulwarkInputException("--decrypt-key must name an environment variable holding the audit key (env:VAR)");
        var variable = setting[4..];
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text)) throw new BulwarkInputException($"--decrypt-key: environment variable {variable} is not set");
        return AuditPromptCipher.FromBase64(text) ?? throw new BulwarkInputException($"--decrypt-key: environment variable {variable} must hold {AuditPromptCipher.KeyBytes} bytes in base64");
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static readonly JsonSerializerOptions AuditJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static KeyStore Store(ParseResult parse) => new(Open(parse), TimeProvider.System);

    internal static string TeamName(string name)
    {
        var trimmed = name.Trim();
        return AccessLimits.TeamNameProblem(trimmed) is { } problem ? throw new BulwarkInputException($"team name '{trimmed}': {problem}") : trimmed;
    }

    internal static GatewayDatabase Open(ParseResult parse)
    {
        var location = parse.GetValue(Database) is { } database ? DatabaseOption(database)
            : parse.GetValue(Config) is { } config ? GatewayConfigLoader.LoadDatabase(config)
            : throw new BulwarkInputException("name the gateway's database: --config gateway.yaml or --database FILE|postgres://…|env:VAR");
        return GatewayDatabase.Open(location);
    }

    /// <summary>--database: a SQLite file, a PostgreSQL connection string, or env:VAR holding either.</summary>
    internal static DatabaseLocation DatabaseOption(string value)
    {
        if (value.StartsWith("env:", StringComparison.Ordinal))
        {
            var variable = value[4..];
            value = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : throw new BulwarkInputException($"--database: environment variable {variable} is not set");
        }
        try
        {
            return DatabaseLocation.Parse(value, Directory.GetCurrentDirectory());
        }
        catch (ArgumentException e)
        {
            throw new BulwarkInputException($"--database: {e.Message}", e);
        }
    }

    internal static DateTimeOffset? Since(string? text)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? back = text[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (back is { } span) return DateTimeOffset.UtcNow - span;
        }
        throw new BulwarkInputException($"--since must be a duration (30m, 24h, 7d) or a UTC time (2025-01-31T12:00:00Z) (got '{text}')");
    }
}
