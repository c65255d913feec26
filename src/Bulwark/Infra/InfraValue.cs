namespace Bulwark.Infra;

/// <summary>
/// A value read from an infrastructure file (YAML, HCL, JSON, Dockerfile, .env), with the 1-based line and column
/// where it starts: every parser produces this one tree, so checks and their findings never depend on the format.
/// </summary>
public abstract record InfraValue(int Line, int Column)
{
    /// <summary>
    /// The file the value was read from, where it differs from its resource's: a workload's exposure is written in
    /// a Service of another file, and a finding about it must point there. Null means the resource's own file.
    /// </summary>
    public string? File { get; init; }
}

public enum ScalarKind
{
    Text,
    Number,
    Boolean,
    Null,

    /// <summary>Not a literal: a reference, function call, template or operator expression, kept as its source text.</summary>
    Expression,
}

/// <summary>A literal or an expression. <see cref="Text"/> is the decoded string, the number or bool as written, or the expression's source.</summary>
public sealed record InfraScalar(string Text, ScalarKind Kind, int Line, int Column) : InfraValue(Line, Column)
{
    /// <summary>Whether the value is true as configuration reads it (<c>true</c>, <c>"True"</c>, <c>yes</c>, <c>1</c>, <c>on</c>).</summary>
    public bool IsTrue => Kind is ScalarKind.Boolean or ScalarKind.Text or ScalarKind.Number
        && Text.Trim().ToUpperInvariant() is "TRUE" or "YES" or "1" or "ON";

    /// <summary>Whether the value is false as configuration reads it (<c>false</c>, <c>"False"</c>, <c>no</c>, <c>0</c>, <c>off</c>).</summary>
    public bool IsFalse => Kind is ScalarKind.Boolean or ScalarKind.Text or ScalarKind.Number
        && Text.Trim().ToUpperInvariant() is "FALSE" or "NO" or "0" or "OFF";

    public override string ToString() => Text;
}

/// <summary>One key of a map with the place of the key itself (a finding about a setting points at its key).</summary>
public sealed record InfraEntry(string Key, InfraValue Value, int Line, int Column);

/// <summary>
/// A mapping, a JSON object, or an HCL body. Keys may repeat: HCL blocks of one type (<c>ingress { }</c> twice) are
/// repeated entries. <see cref="Labels"/> holds an HCL block's labels (<c>resource "aws_s3_bucket" "models"</c>).
/// </summary>
public sealed record InfraMap(IReadOnlyList<InfraEntry> Entries, int Line, int Column) : InfraValue(Line, Column)
{
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The first value under <paramref name="key"/> (ordinal), or null.</summary>
    public InfraValue? Get(string key)
    {
        foreach (var entry in Entries) if (string.Equals(entry.Key, key, StringComparison.Ordinal)) return entry.Value;
        return null;
    }

    /// <summary>Every value under <paramref name="key"/> (repeated HCL blocks).</summary>
    public IEnumerable<InfraValue> GetAll(string key) => Entries.Where(e => string.Equals(e.Key, key, StringComparison.Ordinal)).Select(e => e.Value);

    /// <summary>The text of a scalar under <paramref name="key"/>, or null.</summary>
    public string? Text(string key) => (Get(key) as InfraScalar)?.Text;

    public static InfraMap Empty(int line = 1, int column = 1) => new([], line, column);
}

/// <summary>A sequence, a JSON array or an HCL tuple.</summary>
public sealed record InfraList(IReadOnlyList<InfraValue> Items, int Line, int Column) : InfraValue(Line, Column)
{
    /// <summary>The items of a list; nothing for any other value or for none (a missing <c>ports:</c> has no ports).</summary>
    public static IEnumerable<InfraValue> ItemsOf(InfraValue? value) => value is InfraList list ? list.Items : [];
}
