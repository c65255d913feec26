using System.Text.RegularExpressions;

namespace Bulwark.Infra.Checks;

/// <summary>
/// Whether a condition holds, and the value that made it hold (a finding points at that value's line); a
/// condition that holds because something is absent has no value, and the finding points at the resource.
/// </summary>
internal readonly record struct Outcome(bool Holds, InfraValue? At)
{
    public static Outcome False => new(false, null);

    public static Outcome True(InfraValue? at) => new(true, at);
}

/// <summary>What a condition can see besides its own value: the resource it judges and every resource of the scan.</summary>
internal sealed record CheckScope(InfraResource Resource, InfraResourceIndex Index);

/// <summary>One node of a check's <c>when</c> or <c>fail</c> condition (docs/infra.md, "Check language", lists them).</summary>
internal abstract class InfraCondition
{
    public abstract Outcome Evaluate(InfraValue value, CheckScope scope);

    /// <summary>The value a test looks at, for a finding about its negation (<c>not: {path: x, equals: false}</c> points at x's line).</summary>
    public virtual InfraValue? Subject(InfraValue value) => null;
}

internal sealed class AllCondition(IReadOnlyList<InfraCondition> parts) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope)
    {
        InfraValue? at = null;
        foreach (var part in parts)
        {
            var outcome = part.Evaluate(value, scope);
            if (!outcome.Holds) return Outcome.False;
            at ??= outcome.At;
        }
        return Outcome.True(at);
    }
}

internal sealed class AnyCondition(IReadOnlyList<InfraCondition> parts) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope)
    {
        foreach (var part in parts)
        {
            var outcome = part.Evaluate(value, scope);
            if (outcome.Holds) return outcome;
        }
        return Outcome.False;
    }
}

internal sealed class NotCondition(InfraCondition inner) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope) => inner.Evaluate(value, scope).Holds ? Outcome.False : Outcome.True(inner.Subject(value));
}

/// <summary>
/// <c>some:</c> — the inner condition holds for one item at the path, judged on that item alone: each element of a
/// list, each map (repeated HCL blocks are several maps). <c>some-entry:</c> — the same over the entries of a map,
/// each seen as <c>{key, value}</c> (environment variables). So "one container is privileged and runs as root" is not
/// met by two different containers.
/// </summary>
internal sealed class SomeCondition(InfraPath path, InfraCondition inner, bool entries) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope)
    {
        var items = entries ? path.Values(value).OfType<InfraMap>().SelectMany(EntryItems) : path.Values(value);
        foreach (var item in items)
        {
            var outcome = inner.Evaluate(item, scope);
            if (outcome.Holds) return Outcome.True(outcome.At ?? item);
        }
        return Outcome.False;
    }

    private static IEnumerable<InfraMap> EntryItems(InfraMap map) => map.Entries.Select(e => new InfraMap(
        [new InfraEntry("key", new InfraScalar(e.Key, ScalarKind.Text, e.Line, e.Column) { File = e.Value.File }, e.Line, e.Column), new InfraEntry("value", e.Value, e.Value.Line, e.Value.Column)],
        e.Line, e.Column) { File = e.Value.File });
}

/// <summary>
/// <c>related:</c> — another resource of the given types refers to this one through its <c>via</c> attribute
/// (<c>aws_s3_bucket_versioning.bucket = aws_s3_bucket.models.id</c>, or the bucket's name in a plan) and meets
/// <c>where</c>. Without <c>via</c>, any resource of those types in the scan will do (account-wide settings).
/// </summary>
internal sealed class RelatedCondition(IReadOnlyList<string> types, InfraPath? via, InfraCondition? where) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope)
    {
        var names = via is null ? [] : InfraResourceIndex.NamesOf(scope.Resource);
        var address = scope.Resource.Address;
        foreach (var related in types.SelectMany(scope.Index.OfType))
        {
            if (via is not null && !via.Scalars(related.Body).Any(s => RefersTo(s.Text, address, names))) continue;
            var outcome = where?.Evaluate(related.Body, scope with { Resource = related }) ?? Outcome.True(null);
            // The finding points at what the related resource says, in its own file.
            if (outcome.Holds) return Outcome.True((outcome.At ?? related.Body) with { File = outcome.At?.File ?? related.Path });
        }
        return Outcome.False;
    }

    /// <summary>
    /// A reference names the address (<c>aws_s3_bucket.models.id</c>, <c>${aws_s3_bucket.models[0].arn}</c>); a
    /// literal, as a plan holds it, is the resource's name itself: "models" is no reference to a bucket named
    /// "models" when it is part of <c>aws_s3_bucket.other_models.id</c> or <c>models.example.com</c>.
    /// </summary>
    private static bool RefersTo(string reference, string address, IReadOnlyList<string> names) =>
        reference.Contains(address + ".", StringComparison.Ordinal) || reference.Contains(address + "[", StringComparison.Ordinal)
        || names.Contains(reference, StringComparer.Ordinal);
}

/// <summary>A test on the values at a path: <c>exists</c>, <c>equals</c>, <c>in</c>, <c>matches</c> or <c>version-below</c>.</summary>
internal sealed class ValueCondition(InfraPath path, ValueTest test) : InfraCondition
{
    public override Outcome Evaluate(InfraValue value, CheckScope scope)
    {
        if (test is ExistsTest exists)
        {
            var first = path.Values(value).FirstOrDefault(v => v is not InfraScalar { Kind: ScalarKind.Null });
            return exists.Wanted == first is not null ? Outcome.True(first) : Outcome.False;
        }
        // Tests judge literals: an expression (a reference, ${VAR}, valueFrom) has no value until deployment.
        var match = path.Scalars(value).FirstOrDefault(s => s.Kind != ScalarKind.Expression && test.Accepts(s));
        return match is null ? Outcome.False : Outcome.True(match);
    }

    public override InfraValue? Subject(InfraValue value) => path.Values(value).FirstOrDefault();
}

internal abstract class ValueTest
{
    public abstract bool Accepts(InfraScalar scalar);
}

internal sealed class ExistsTest(bool wanted) : ValueTest
{
    public bool Wanted { get; } = wanted;

    public override bool Accepts(InfraScalar scalar) => throw new InvalidOperationException("exists is judged on the path, not on a value");
}

/// <summary>Equality as configuration means it: booleans by truth (<c>True</c>, <c>"yes"</c>), text ignoring case.</summary>
internal sealed class EqualsTest(IReadOnlyList<string> candidates) : ValueTest
{
    public override bool Accepts(InfraScalar scalar) => candidates.Any(c => c.ToUpperInvariant() switch
    {
        "TRUE" => scalar.IsTrue,
        "FALSE" => scalar.IsFalse,
        _ => string.Equals(scalar.Text, c, StringComparison.OrdinalIgnoreCase),
    });
}

internal sealed class MatchesTest(Regex pattern) : ValueTest
{
    public override bool Accepts(InfraScalar scalar) => pattern.IsMatch(scalar.Text);
}

/// <summary>A version (<c>v1.16.1</c>, <c>1.16.1-ubuntu20.04</c>, <c>24.6.1</c>) older than the given one; text without a version never is.</summary>
internal sealed partial class VersionBelowTest(Version limit) : ValueTest
{
    public override bool Accepts(InfraScalar scalar) => Parse(scalar.Text) is { } version && version < limit;

    public static Version? Parse(string text)
    {
        var match = VersionPattern().Match(text);
        if (!match.Success) return null;
        var parts = match.Groups[1].Value.Split('.');
        return new Version(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 0,
            parts.Length > 2 ? int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^[vV]?(\d{1,6}(?:\.\d{1,6}){0,2})", RegexOptions.NonBacktracking)]
    private static partial Regex VersionPattern();
}
