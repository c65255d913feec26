using System.Globalization;

namespace Bulwark.Models.Pickle;

/// <summary>
/// A symbolic value on the pickle machine's stack: what the static walk knows about the object a real unpickler
/// would hold there. Constants are kept (bounded), everything else is described: a global, the result of calling
/// one, an unknown. Nothing is ever executed.
/// </summary>
internal abstract class PickleValue
{
    public abstract string Describe();
}

internal sealed class PickleMark : PickleValue
{
    public static readonly PickleMark Instance = new();

    public override string Describe() => "<mark>";
}

internal sealed class PickleUnknown(string what) : PickleValue
{
    public static readonly PickleUnknown Persistent = new("persistent object");

    public string What { get; } = what;

    public override string Describe() => "<" + What + ">";
}

/// <summary>A scalar constant (None, bool, int, float) — only its description matters.</summary>
internal sealed class PickleScalar(string text, long? integer = null) : PickleValue
{
    public static readonly PickleScalar None = new("None");
    public static readonly PickleScalar True = new("True", 1);
    public static readonly PickleScalar False = new("False", 0);

    public static readonly PickleScalar Float = new("float");
    public static readonly PickleScalar BigInt = new("int");
    private static readonly PickleScalar[] SmallInts = [.. Enumerable.Range(0, 256).Select(i => new PickleScalar(i.ToString(CultureInfo.InvariantCulture), i))];

    public long? Integer { get; } = integer;

    public static PickleScalar Int(long value) => value is >= 0 and < 256 ? SmallInts[value] : new(value.ToString(CultureInfo.InvariantCulture), value);

    public override string Describe() => text;
}

/// <summary>A text string; <see cref="Value"/> is null when it was too long to keep.</summary>
internal sealed class PickleString(string? value, long length) : PickleValue
{
    public string? Value { get; } = value;
    public long Length { get; } = length;

    public override string Describe() => Value is null ? $"<str of {Length} chars>" : "'" + (Value.Length > 60 ? Value[..60] + "…" : Value) + "'";
}

/// <summary>A byte string; <see cref="Data"/> is null when it was too long to keep.</summary>
internal sealed class PickleBytes(byte[]? data, long length) : PickleValue
{
    public byte[]? Data { get; } = data;
    public long Length { get; } = length;

    public override string Describe() => $"<bytes of {Length}>";
}

/// <summary>A tuple, list, dict or set: the first items kept, the rest counted.</summary>
internal sealed class PickleContainer(string kind) : PickleValue
{
    public const int MaxKept = 256;

    public string Kind { get; } = kind;
    public List<PickleValue> Items { get; } = [];
    public long Count { get; private set; }

    public void Add(PickleValue value)
    {
        if (Items.Count < MaxKept) Items.Add(value);
        Count++;
    }

    public override string Describe() => $"<{Kind} of {Count}>";
}

/// <summary>An imported global (GLOBAL, STACK_GLOBAL, INST) or an unresolved import.</summary>
internal sealed class PickleGlobal(string module, string name, GlobalClass judged, long offset) : PickleValue
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public GlobalClass Judged { get; } = judged;
    public long Offset { get; } = offset;

    public string FullName => Module + "." + Name;

    public override string Describe() => FullName;
}

/// <summary>The result of calling something (REDUCE, NEWOBJ, OBJ, INST).</summary>
internal sealed class PickleCall(PickleValue callee) : PickleValue
{
    public PickleValue Callee { get; } = callee;

    public override string Describe() => "<result of calling " + Callee.Describe() + ">";
}
