using System.Globalization;
using System.Text.RegularExpressions;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Infra.Checks;

/// <summary>
/// A rule's <c>check:</c> compiled: the resource types it judges, when it applies, what fails, and how to say it.
/// </summary>
internal sealed record InfraCheck(Rule Rule, IReadOnlySet<string> Types, InfraCondition? When, InfraCondition Fail, string? Message);

/// <summary>
/// Compiles the <c>check:</c> section of an infrastructure rule (the grammar is in docs/infra.md, "Check language").
/// Every mistake is a <see cref="BulwarkInputException"/> naming the rule, so a broken user pack fails at load.
/// </summary>
internal static class InfraCheckCompiler
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public static InfraCheck Compile(Rule rule)
    {
        var where = $"{rule.Source}: rule {rule.Id}: check";
        var check = rule.Check ?? throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: detector infra-check needs a 'check'");
        Unknown(check.Keys, ["resources", "when", "fail", "message"], where);
        var types = Strings(check.GetValueOrDefault("resources"), $"{where}.resources");
        if (types.Count == 0) throw new BulwarkInputException($"{where}: 'resources' names no resource type");
        if (!check.TryGetValue("fail", out var fail)) throw new BulwarkInputException($"{where}: missing 'fail'");
        var message = check.GetValueOrDefault("message");
        if (message is not null and not string) throw new BulwarkInputException($"{where}: 'message' is text");
        return new InfraCheck(
            rule,
            types.ToHashSet(StringComparer.Ordinal),
            check.TryGetValue("when", out var when) ? Condition(when, $"{where}.when") : null,
            Condition(fail, $"{where}.fail"),
            (string?)message);
    }

    private static InfraCondition Condition(object? node, string where)
    {
        var map = Map(node, where);
        if (map.TryGetValue("all", out var all)) return Single(map, "all", where, () => new AllCondition(List(all, where + ".all").Select((c, i) => Condition(c, $"{where}.all[{i}]")).ToList()));
        if (map.TryGetValue("any", out var any)) return Single(map, "any", where, () => new AnyCondition(List(any, where + ".any").Select((c, i) => Condition(c, $"{where}.any[{i}]")).ToList()));
        if (map.TryGetValue("not", out var not)) return Single(map, "not", where, () => new NotCondition(Condition(not, where + ".not")));
        if (map.TryGetValue("related", out var related))
        {
            Unknown(map.Keys, ["related", "via", "where"], where);
            var via = map.GetValueOrDefault("via");
            if (via is not null and not string) throw new BulwarkInputException($"{where}: 'via' takes one path");
            return new RelatedCondition(
                Strings(related, where + ".related"),
                via is string viaPath ? new InfraPath(viaPath) : null,
                map.TryGetValue("where", out var filter) ? Condition(filter, where + ".where") : null);
        }
        if (map.GetValueOrDefault("path") is not string path || path.Length == 0) throw new BulwarkInputException($"{where}: a condition is all, any, not, related, or a 'path' with a test");
        foreach (var (key, entries) in new[] { ("some", false), ("some-entry", true) })
        {
            if (!map.TryGetValue(key, out var some)) continue;
            Unknown(map.Keys, ["path", key], where);
            return new SomeCondition(new InfraPath(path), Condition(some, $"{where}.{key}"), entries);
        }
        var tests = map.Keys.Where(k => k != "path").ToList();
        if (tests.Count != 1) throw new BulwarkInputException($"{where}: path '{path}' needs exactly one of exists, equals, in, matches, version-below, some, some-entry");
        var operand = map[tests[0]];
        ValueTest test = tests[0] switch
        {
            "exists" => new ExistsTest(Bool(operand, where)),
            "equals" => new EqualsTest([Scalar(operand, where)]),
            "in" => new EqualsTest(Strings(operand, where + ".in")),
            "matches" => new MatchesTest(Regex(Scalar(operand, where), where)),
            "version-below" => new VersionBelowTest(VersionBelowTest.Parse(Scalar(operand, where)) ?? throw new BulwarkInputException($"{where}: version-below needs a version such as 1.17.8")),
            var other => throw new BulwarkInputException($"{where}: unknown test '{other}' (exists, equals, in, matches, version-below, some, some-entry)"),
        };
        return new ValueCondition(new InfraPath(path), test);
    }

    private static InfraCondition Single(Dictionary<string, object?> map, string key, string where, Func<InfraCondition> build)
    {
        if (map.Count != 1) throw new BulwarkInputException($"{where}: '{key}' stands alone in its condition");
        return build();
    }

    private static Regex Regex(string pattern, string where)
    {
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a construct the non-backtracking engine has no way to run (backreferences, lookarounds).
            throw new BulwarkInputException($"{where}: invalid pattern '{pattern}': {e.Message}", e);
        }
    }

    private static Dictionary<string, object?> Map(object? node, string where) => node switch
    {
        IDictionary<object, object> d => d.ToDictionary(e => Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e => (object?)e.Value, StringComparer.Ordinal),
        IDictionary<string, object> d => d.ToDictionary(e => e.Key, e => (object?)e.Value, StringComparer.Ordinal),
        _ => throw new BulwarkInputException($"{where}: expected a condition (a map)"),
    };

    private static List<object?> List(object? node, string where) =>
        node is not string && node is IEnumerable<object> items ? items.ToList<object?>() : throw new BulwarkInputException($"{where}: expected a list");

    private static List<string> Strings(object? node, string where) => node switch
    {
        string s => [s],
        IEnumerable<object> items => items.Select(i => i as string ?? throw new BulwarkInputException($"{where}: expected text items")).ToList(),
        _ => throw new BulwarkInputException($"{where}: expected text or a list of text"),
    };

    private static string Scalar(object? node, string where) => node as string ?? throw new BulwarkInputException($"{where}: expected a single value");

    private static bool Bool(object? node, string where) => Scalar(node, where).ToUpperInvariant() switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => throw new BulwarkInputException($"{where}: exists takes true or false"),
    };

    private static void Unknown(IEnumerable<string> keys, string[] known, string where)
    {
        var unknown = keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null) throw new BulwarkInputException($"{where}: unknown key '{unknown}' (expected {string.Join(", ", known)})");
    }
}
