using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Bulwark.Models.Pickle;

/// <summary>What the walk reports; the probe that recognises pickles passes none.</summary>
internal interface IPickleEvents
{
    void Import(PickleGlobal global, string opcode);

    void Unresolved(string description, long offset);

    void Extension(long code, long offset);

    void Call(PickleGlobal callee, IReadOnlyList<PickleValue> arguments, long offset);

    void Build(PickleGlobal target, long offset);
}

/// <summary>
/// A static pickle virtual machine for protocols 0–5: it decodes every opcode of CPython's <c>pickletools</c> table
/// and keeps a symbolic stack, mark stack and memo, so the operands of STACK_GLOBAL, INST, OBJ, REDUCE, NEWOBJ,
/// NEWOBJ_EX and BUILD are known wherever they are constants (also through the memo). It never imports or calls
/// anything. Bounded by stack depth, memo size, kept bytes, op count and cancellation.
/// </summary>
internal sealed class PickleMachine
{
    public const int MaxStack = 1 << 20;
    public const int MaxMemo = 1 << 20;
    public const int MaxNameBytes = 4096;
    public const int MaxKeptString = 16 * 1024;
    public const int MaxKeptBytes = 8 * 1024 * 1024;
    public const long MaxKeptTotal = 64L * 1024 * 1024;
    public const int HighestProtocol = 5;

    private readonly PickleInput _in;
    private readonly GlobalPolicy _policy;
    private readonly IPickleEvents? _events;
    private readonly long _maxOps;
    private readonly CancellationToken _cancellation;
    private readonly List<PickleValue> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, PickleValue> _memo = [];
    private long _kept;

    public PickleMachine(PickleInput input, GlobalPolicy policy, IPickleEvents? events, long maxOps, CancellationToken cancellation)
    {
        _in = input;
        _policy = policy;
        _events = events;
        _maxOps = maxOps;
        _cancellation = cancellation;
    }

    /// <summary>Opcodes walked so far, over every pickle of the stream.</summary>
    public long Ops { get; private set; }

    /// <summary>Opcodes walked in the current pickle.</summary>
    public long OpsInPickle { get; private set; }

    /// <summary>Whether the current pickle has imported or called anything (a pickle, not trailing bytes).</summary>
    public bool HadEffects { get; private set; }

    /// <summary>Whether the current pickle has reached STOP.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The protocol of the current pickle's PROTO opcode, or -1.</summary>
    public int Protocol { get; private set; } = -1;

    /// <summary>Walks one pickle from the current offset to its STOP; throws <see cref="PickleFormatException"/> on malformed input.</summary>
    public void RunOne()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        OpsInPickle = 0;
        HadEffects = false;
        Stopped = false;
        Protocol = -1;
        while (!Stopped) Step();
    }

    private void Step()
    {
        var offset = _in.Offset;
        var op = _in.ReadByte();
        if (op < 0) throw new PickleFormatException(OpsInPickle == 0 ? $"empty pickle at offset {offset}" : $"stream ends at offset {offset} before STOP");
        if (++Ops > _maxOps) throw new PickleFormatException($"more than {_maxOps:N0} opcodes", limit: true);
        OpsInPickle++;
        if ((Ops & 1023) == 0) _cancellation.ThrowIfCancellationRequested();

        switch (op)
        {
            // ---- constants ----
            case 'N': Push(PickleScalar.None); break;
            case 0x88: Push(PickleScalar.True); break;
            case 0x89: Push(PickleScalar.False); break;
            case 'I': Push(ParseTextInt(Line("INT"), offset, allowBool: true)); break;
            case 'L': Push(ParseTextInt(TrimLongSuffix(Line("LONG")), offset, allowBool: false)); break;
            case 'J': Push(PickleScalar.Int(BinaryPrimitives.ReadInt32LittleEndian(Fixed(4)))); break;
            case 'K': Push(PickleScalar.Int(_in.Byte())); break;
            case 'M': Push(PickleScalar.Int(BinaryPrimitives.ReadUInt16LittleEndian(Fixed(2)))); break;
            case 0x8a: Push(LongBytes(_in.Byte())); break;
            case 0x8b: Push(LongBytes(BinaryPrimitives.ReadInt32LittleEndian(Fixed(4)))); break;
            case 'F': Push(ParseTextFloat(Line("FLOAT"), offset)); break;
            case 'G': _in.Skip(8); Push(PickleScalar.Float); break;
            case 'S': Push(ParseQuotedString(offset)); break;
            case 'T': Push(BinaryText(BinaryPrimitives.ReadInt32LittleEndian(Fixed(4)), latin1: true)); break;
            case 'U': Push(BinaryText(_in.Byte(), latin1: true)); break;
            case 'V': Push(ParseRawUnicode()); break;
            case 'X': Push(BinaryText(BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4)), latin1: false)); break;
            case 0x8c: Push(BinaryText(_in.Byte(), latin1: false)); break;
            case 0x8d: Push(BinaryText(ReadLength8(), latin1: false)); break;
            case 'B': Push(BinaryBytes(BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4)))); break;
            case 'C': Push(BinaryBytes(_in.Byte())); break;
            case 0x8e: Push(BinaryBytes(ReadLength8())); break;
            case 0x96: Push(BinaryBytes(ReadLength8())); break; // BYTEARRAY8
            case 0x97: Push(new PickleUnknown("out-of-band buffer")); break; // NEXT_BUFFER
            case 0x98: Peek(); break; // READONLY_BUFFER: the top stays, read-only

            // ---- containers ----
            case ']': Push(new PickleContainer("list")); break;
            case ')': Push(new PickleContainer("tuple")); break;
            case '}': Push(new PickleContainer("dict")); break;
            case 0x8f: Push(new PickleContainer("set")); break;
            case 'l': Push(Collect("list", PopMark())); break;
            case 't': Push(Collect("tuple", PopMark())); break;
            case 'd': Push(CollectDict(PopMark(), offset)); break;
            case 0x91: Push(Collect("frozenset", PopMark())); break;
            case 0x85: Push(Collect("tuple", PopN(1))); break;
            case 0x86: Push(Collect("tuple", PopN(2))); break;
            case 0x87: Push(Collect("tuple", PopN(3))); break;
            case 'a': { var item = Pop(); AddTo(Peek(), [item]); break; }
            case 'e': case 0x90: { var items = PopMark(); AddTo(Peek(), items); break; }
            case 's': { var value = Pop(); var key = Pop(); AddTo(Peek(), [key, value]); break; }
            case 'u': { var items = PopMark(); if (items.Count % 2 != 0) throw Malformed("SETITEMS with an odd number of items", offset); AddTo(Peek(), items); break; }

            // ---- stack and memo ----
            case '0': Pop(); break;
            case '2': Push(Peek()); break;
            case '(':
                if (_marks.Count >= MaxStack) throw new PickleFormatException($"more than {MaxStack:N0} marks", limit: true);
                _marks.Add(_stack.Count);
                break;
            case '1': PopMark(); break;
            case 'g': Push(MemoGet(ParseDecimal(Line("GET"), offset), offset)); break;
            case 'h': Push(MemoGet(_in.Byte(), offset)); break;
            case 'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4)), offset)); break;
            case 'p': MemoPut(ParseDecimal(Line("PUT"), offset)); break;
            case 'q': MemoPut(_in.Byte()); break;
            case 'r': MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(Fixed(4))); break;
            case 0x94: MemoPut(_memo.Count); break;

            // ---- imports and calls ----
            case 'c':
            {
                var module = Name(Line("GLOBAL"), offset);
                var name = Name(Line("GLOBAL"), offset);
                Push(Import(module, name, offset, "GLOBAL"));
                break;
            }
            case 0x93:
            {
                var name = Pop();
                var module = Pop();
                if (module is PickleString { Value: { } m } && name is PickleString { Value: { } n } && IsDottedName(m) && IsDottedName(n))
                {
                    Push(Import(m, n, offset, "STACK_GLOBAL"));
                }
                else
                {
                    HadEffects = true;
                    var description = $"STACK_GLOBAL module={module.Describe()} name={name.Describe()}";
                    _events?.Unresolved(description, offset);
                    Push(new PickleGlobal("?", "?", GlobalClass.Denied, offset));
                }
                break;
            }
            case 'i':
            {
                var module = Name(Line("INST"), offset);
                var name = Name(Line("INST"), offset);
                var args = PopMark();
                Push(CallOf(Import(module, name, offset, "INST"), args, offset));
                break;
            }
            case 'o':
            {
                var items = PopMark();
                if (items.Count == 0) throw Malformed("OBJ without a class", offset);
                Push(CallOf(items[0], items.Skip(1).ToList(), offset));
                break;
            }
            case 'R':
            {
                var args = Pop();
                var callable = Pop();
                Push(CallOf(callable, Arguments(args), offset));
                break;
            }
            case 0x81:
            {
                var args = Pop();
                var cls = Pop();
                Push(CallOf(cls, Arguments(args), offset));
                break;
            }
            case 0x92:
            {
                Pop(); // kwargs
                var args = Pop();
                var cls = Pop();
                Push(CallOf(cls, Arguments(args), offset));
                break;
            }
            case 'b':
            {
                Pop(); // state
                if (Peek() is PickleGlobal target)
                {
                    HadEffects = true;
                    _events?.Build(target, offset);
                }
                break;
            }
            case 0x82: Push(Extension(_in.Byte(), offset)); break;
            case 0x83: Push(Extension(BinaryPrimitives.ReadUInt16LittleEndian(Fixed(2)), offset)); break;
            case 0x84: Push(Extension(BinaryPrimitives.ReadInt32LittleEndian(Fixed(4)), offset)); break;
            case 'P': Line("PERSID"); Push(PickleUnknown.Persistent); break;
            case 'Q': Pop(); Push(PickleUnknown.Persistent); break;

            // ---- framing ----
            case 0x80:
            {
                var version = _in.Byte();
                if (version > HighestProtocol) throw Malformed($"unsupported pickle protocol {version}", offset);
                Protocol = version;
                break;
            }
            case 0x95:
            {
                var length = ReadLength8();
                _in.Require(length);
                break;
            }
            case '.':
                if (_stack.Count == 0) throw Malformed("STOP with an empty stack", offset);
                Stopped = true;
                break;
            default:
                throw Malformed($"unknown opcode 0x{op:x2}", offset);
        }
    }

    // ------------------------------------------------------------------ imports and calls ----

    private PickleGlobal Import(string module, string name, long offset, string opcode)
    {
        HadEffects = true;
        var global = new PickleGlobal(module, name, _policy.Classify(module, name), offset);
        _events?.Import(global, opcode);
        return global;
    }

    private PickleUnknown Extension(long code, long offset)
    {
        HadEffects = true;
        _events?.Extension(code, offset);
        return new PickleUnknown($"extension {code}");
    }

    private PickleValue CallOf(PickleValue callable, List<PickleValue> args, long offset)
    {
        HadEffects = true;
        if (callable is not PickleGlobal global) return new PickleCall(callable);
        _events?.Call(global, args, offset);
        // Protocols 0–2 write bytes as _codecs.encode(str, 'latin1'): evaluate it, so a nested payload stays known.
        if (global.Judged == GlobalClass.Allowed && _policy.CanonicalModule(global.Module) is "codecs" or "_codecs" && global.Name == "encode"
            && args.Count == 2 && args[0] is PickleString text && args[1] is PickleString { Value: "latin1" or "latin-1" or "iso-8859-1" })
        {
            return text.Value is null ? new PickleBytes(null, text.Length) : KeepBytes(Encoding.Latin1.GetBytes(text.Value));
        }
        return new PickleCall(callable);
    }

    private static List<PickleValue> Arguments(PickleValue args) => args is PickleContainer container ? container.Items : [args];

    // ------------------------------------------------------------------ stack ----

    private void Push(PickleValue value)
    {
        if (_stack.Count >= MaxStack) throw new PickleFormatException($"stack deeper than {MaxStack:N0}", limit: true);
        _stack.Add(value);
    }

    private PickleValue Pop()
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Malformed(_stack.Count == 0 ? "stack underflow" : "stack underflow (a MARK is in the way)", _in.Offset - 1);
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private PickleValue Peek()
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor) throw Malformed("stack underflow", _in.Offset - 1);
        return _stack[^1];
    }

    private List<PickleValue> PopN(int count)
    {
        var items = new List<PickleValue>(count);
        for (var i = 0; i < count; i++) items.Add(Pop());
        items.Reverse();
        return items;
    }

    private List<PickleValue> PopMark()
    {
        if (_marks.Count == 0) throw Malformed("no MARK on the stack", _in.Offset - 1);
        var start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private static PickleContainer Collect(string kind, List<PickleValue> items)
    {
        var container = new PickleContainer(kind);
        foreach (var item in items) container.Add(item);
        return container;
    }

    private static PickleContainer CollectDict(List<PickleValue> items, long offset)
    {
        if (items.Count % 2 != 0) throw Malformed("DICT with an odd number of items", offset);
        return Collect("dict", items);
    }

    private static void AddTo(PickleValue target, List<PickleValue> items)
    {
        // APPEND/SETITEM on an object the walk does not model (a list subclass, a call result) is legal: its own
        // append/__setitem__ runs, and that object's class was already judged when it was imported.
        if (target is PickleContainer container)
        {
            foreach (var item in items) container.Add(item);
        }
    }

    private PickleValue MemoGet(long key, long offset) =>
        _memo.TryGetValue(key, out var value) ? value : throw Malformed($"memo key {key} was never stored", offset);

    private void MemoPut(long key)
    {
        var value = Peek();
        if (!_memo.ContainsKey(key) && _memo.Count >= MaxMemo) throw new PickleFormatException($"memo larger than {MaxMemo:N0} entries", limit: true);
        _memo[key] = value;
    }

    // ------------------------------------------------------------------ arguments ----

    private readonly byte[] _fixed = new byte[8];

    private ReadOnlySpan<byte> Fixed(int count)
    {
        var span = _fixed.AsSpan(0, count);
        _in.ReadExactly(span);
        return span;
    }

    private long ReadLength8()
    {
        var length = BinaryPrimitives.ReadUInt64LittleEndian(Fixed(8));
        if (length > long.MaxValue) throw new PickleFormatException($"declared length {length} at offset {_in.Offset} runs past the end of the stream");
        return (long)length;
    }

    private byte[] Line(string opcode) =>
        _in.ReadLine(MaxKeptString) ?? throw new PickleFormatException($"{opcode} argument longer than {MaxKeptString:N0} bytes at offset {_in.Offset}");

    private static string Name(byte[] line, long offset)
    {
        if (line.Length > MaxNameBytes) throw Malformed("global name too long", offset);
        var text = Encoding.UTF8.GetString(line);
        if (!IsDottedName(text)) throw Malformed($"invalid global name '{Shorten(text)}'", offset);
        return text;
    }

    /// <summary>A Python dotted name (<c>torch._utils</c>, <c>Bdb.run</c>): anything else cannot be imported.</summary>
    public static bool IsDottedName(string text)
    {
        if (text.Length is 0 or > MaxNameBytes) return false;
        var start = true;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (start) return false;
                start = true;
                continue;
            }
            var ok = start ? char.IsLetter(c) || c == '_' : char.IsLetterOrDigit(c) || c == '_';
            if (!ok) return false;
            start = false;
        }
        return !start;
    }

    private PickleString BinaryText(long length, bool latin1)
    {
        var data = _in.ReadOrSkip(length, Budget(MaxKeptString * 4L));
        if (data is null) return new PickleString(null, length);
        _kept += data.Length;
        return new PickleString(latin1 ? Encoding.Latin1.GetString(data) : Encoding.UTF8.GetString(data), length);
    }

    private PickleBytes BinaryBytes(long length)
    {
        var data = _in.ReadOrSkip(length, Budget(MaxKeptBytes));
        if (data is null) return new PickleBytes(null, length);
        _kept += data.Length;
        return new PickleBytes(data, length);
    }

    private PickleBytes KeepBytes(byte[] data)
    {
        if (data.Length > Budget(MaxKeptBytes)) return new PickleBytes(null, data.Length);
        _kept += data.Length;
        return new PickleBytes(data, data.Length);
    }

    private long Budget(long wanted) => Math.Min(wanted, Math.Max(0, MaxKeptTotal - _kept));

    private PickleScalar LongBytes(long length)
    {
        if (length < 0) throw Malformed($"negative LONG length {length}", _in.Offset);
        if (length > 8)
        {
            _in.Skip(length);
            return PickleScalar.BigInt;
        }
        Span<byte> bytes = stackalloc byte[8];
        _in.ReadExactly(bytes[..(int)length]);
        if (length == 0) return PickleScalar.Int(0);
        var negative = (bytes[(int)length - 1] & 0x80) != 0;
        for (var i = (int)length; i < 8; i++) bytes[i] = negative ? (byte)0xff : (byte)0;
        return PickleScalar.Int(BinaryPrimitives.ReadInt64LittleEndian(bytes));
    }

    private static PickleScalar ParseTextInt(byte[] line, long offset, bool allowBool)
    {
        var text = Encoding.ASCII.GetString(line).Trim();
        if (allowBool && text == "00") return PickleScalar.False;
        if (allowBool && text == "01") return PickleScalar.True;
        var digits = text.Replace("_", "", StringComparison.Ordinal);
        if (digits.Length == 0 || digits.Length > 4300 || !IsInteger(digits)) throw Malformed($"invalid integer '{Shorten(text)}'", offset);
        return long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? PickleScalar.Int(value) : PickleScalar.BigInt;
    }

    private static bool IsInteger(string text)
    {
        var i = text[0] is '+' or '-' ? 1 : 0;
        if (i == text.Length) return false;
        for (; i < text.Length; i++)
        {
            if (!char.IsAsciiDigit(text[i])) return false;
        }
        return true;
    }

    private static byte[] TrimLongSuffix(byte[] line) => line.Length > 0 && line[^1] == 'L' ? line[..^1] : line;

    private static long ParseDecimal(byte[] line, long offset)
    {
        var text = Encoding.ASCII.GetString(line).Trim();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw Malformed($"invalid memo key '{Shorten(text)}'", offset);
    }

    private static PickleScalar ParseTextFloat(byte[] line, long offset)
    {
        var text = Encoding.ASCII.GetString(line).Trim();
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            || text is "nan" or "inf" or "-inf" or "+inf" or "NaN" or "Infinity" or "-Infinity";
        return ok ? PickleScalar.Float : throw Malformed($"invalid float '{Shorten(text)}'", offset);
    }

    // STRING: a Python 2 repr, quoted with ' or ", with backslash escapes.
    private PickleString ParseQuotedString(long offset)
    {
        var line = _in.ReadLine(MaxKeptString);
        if (line is null) return new PickleString(null, MaxKeptString);
        if (line.Length < 2 || line[0] != line[^1] || line[0] is not ((byte)'\'' or (byte)'"')) throw Malformed("STRING argument is not quoted", offset);
        var body = line.AsSpan(1, line.Length - 2);
        var text = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = (char)body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                text.Append(c);
                continue;
            }
            var e = (char)body[++i];
            switch (e)
            {
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case '0': text.Append('\0'); break;
                case 'x' when i + 2 < body.Length && byte.TryParse(Encoding.ASCII.GetString(body.Slice(i + 1, 2)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b):
                    text.Append((char)b);
                    i += 2;
                    break;
                default: text.Append(e); break;
            }
        }
        _kept += text.Length;
        return new PickleString(text.ToString(), text.Length);
    }

    // UNICODE: raw-unicode-escape (\uXXXX, \UXXXXXXXX; other bytes are Latin-1).
    private PickleString ParseRawUnicode()
    {
        var line = _in.ReadLine(MaxKeptString);
        if (line is null) return new PickleString(null, MaxKeptString);
        var text = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is (byte)'u' or (byte)'U')
            {
                var digits = line[i + 1] == 'u' ? 4 : 8;
                if (i + 2 + digits <= line.Length && int.TryParse(Encoding.ASCII.GetString(line, i + 2, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 0x10FFFF)
                {
                    text.Append(code <= 0xFFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code));
                    i += 1 + digits;
                    continue;
                }
            }
            text.Append((char)line[i]);
        }
        _kept += text.Length;
        return new PickleString(text.ToString(), text.Length);
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private static PickleFormatException Malformed(string what, long offset) => new($"{what} at offset {offset}");
}
