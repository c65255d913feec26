using System.Buffers.Binary;
using System.Text;

namespace Bulwark.Tests.Models;

/// <summary>
/// Emits pickle opcodes (protocols 0–5) byte by byte, so tests author benign and hostile pickles without Python and
/// without ever unpickling anything.
/// </summary>
internal sealed class PickleWriter
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public PickleWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleWriter Op(char op) => Raw((byte)op);

    private PickleWriter Line(string text) => Raw(Encoding.UTF8.GetBytes(text + "\n"));

    private PickleWriter Le(long value, int size)
    {
        var buffer = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        return Raw(buffer[..size]);
    }

    public PickleWriter Proto(int version) => Raw(0x80, (byte)version);
    public PickleWriter Frame(long length) => Raw(0x95).Le(length, 8);
    public PickleWriter Stop() => Op('.');
    public PickleWriter Mark() => Op('(');
    public PickleWriter None() => Op('N');
    public PickleWriter True() => Raw(0x88);
    public PickleWriter False() => Raw(0x89);
    public PickleWriter Pop() => Op('0');
    public PickleWriter Dup() => Op('2');
    public PickleWriter PopMark() => Op('1');

    // Imports and calls.
    public PickleWriter Global(string module, string name) => Op('c').Line(module).Line(name);
    public PickleWriter Inst(string module, string name) => Op('i').Line(module).Line(name);
    public PickleWriter StackGlobal() => Raw(0x93);
    public PickleWriter StackGlobal(string module, string name) => Unicode(module).Unicode(name).StackGlobal();
    public PickleWriter Reduce() => Op('R');
    public PickleWriter Build() => Op('b');
    public PickleWriter Obj() => Op('o');
    public PickleWriter NewObj() => Raw(0x81);
    public PickleWriter NewObjEx() => Raw(0x92);
    public PickleWriter Ext1(byte code) => Raw(0x82, code);
    public PickleWriter Ext2(ushort code) => Raw(0x83).Le(code, 2);
    public PickleWriter Ext4(int code) => Raw(0x84).Le(code, 4);
    public PickleWriter PersId(string id) => Op('P').Line(id);
    public PickleWriter BinPersId() => Op('Q');

    // Scalars.
    public PickleWriter Int(long value) => value switch
    {
        >= 0 and < 256 => Raw((byte)'K', (byte)value),
        >= 0 and < 65536 => Op('M').Le(value, 2),
        _ => Op('J').Le(value, 4),
    };

    public PickleWriter TextInt(long value) => Op('I').Line(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public PickleWriter TextLong(string digits) => Op('L').Line(digits + "L");
    public PickleWriter TextFloat(string value) => Op('F').Line(value);
    public PickleWriter BinFloat(double value) => Raw((byte)'G').Raw(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(BitConverter.DoubleToInt64Bits(value))));
    public PickleWriter Long1(params byte[] bytes) => Raw(0x8a, (byte)bytes.Length).Raw(bytes);
    public PickleWriter Long4(params byte[] bytes) => Raw(0x8b).Le(bytes.Length, 4).Raw(bytes);

    // Strings and bytes.
    public PickleWriter Unicode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length < 256 ? Raw(0x8c, (byte)bytes.Length).Raw(bytes) : Op('X').Le(bytes.Length, 4).Raw(bytes);
    }

    public PickleWriter BinUnicode(string text) => Op('X').Le(Encoding.UTF8.GetByteCount(text), 4).Raw(Encoding.UTF8.GetBytes(text));
    public PickleWriter BinUnicode8(string text) => Raw(0x8d).Le(Encoding.UTF8.GetByteCount(text), 8).Raw(Encoding.UTF8.GetBytes(text));
    public PickleWriter TextString(string text) => Op('S').Line("'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'");
    public PickleWriter TextUnicode(string text) => Op('V').Line(text);
    public PickleWriter BinString(string text) => Op('T').Le(text.Length, 4).Raw(Encoding.Latin1.GetBytes(text));
    public PickleWriter ShortBinString(string text) => Raw((byte)'U', (byte)text.Length).Raw(Encoding.Latin1.GetBytes(text));
    public PickleWriter Bytes(byte[] data) => data.Length < 256 ? Raw((byte)'C', (byte)data.Length).Raw(data) : Op('B').Le(data.Length, 4).Raw(data);
    public PickleWriter Bytes8(byte[] data) => Raw(0x8e).Le(data.Length, 8).Raw(data);
    public PickleWriter ByteArray8(byte[] data) => Raw(0x96).Le(data.Length, 8).Raw(data);
    public PickleWriter NextBuffer() => Raw(0x97);
    public PickleWriter ReadonlyBuffer() => Raw(0x98);

    // Containers.
    public PickleWriter EmptyTuple() => Op(')');
    public PickleWriter EmptyList() => Op(']');
    public PickleWriter EmptyDict() => Op('}');
    public PickleWriter EmptySet() => Raw(0x8f);
    public PickleWriter Tuple() => Op('t');
    public PickleWriter Tuple1() => Raw(0x85);
    public PickleWriter Tuple2() => Raw(0x86);
    public PickleWriter Tuple3() => Raw(0x87);
    public PickleWriter List() => Op('l');
    public PickleWriter Dict() => Op('d');
    public PickleWriter Append() => Op('a');
    public PickleWriter Appends() => Op('e');
    public PickleWriter SetItem() => Op('s');
    public PickleWriter SetItems() => Op('u');
    public PickleWriter AddItems() => Raw(0x90);
    public PickleWriter FrozenSet() => Raw(0x91);

    // Memo.
    public PickleWriter Memoize() => Raw(0x94);
    public PickleWriter Put(byte slot) => Raw((byte)'q', slot);
    public PickleWriter Get(byte slot) => Raw((byte)'h', slot);
    public PickleWriter LongPut(int slot) => Op('r').Le(slot, 4);
    public PickleWriter LongGet(int slot) => Op('j').Le(slot, 4);
    public PickleWriter TextPut(int slot) => Op('p').Line(slot.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public PickleWriter TextGet(int slot) => Op('g').Line(slot.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary><c>module.name(arg)</c> with protocol 2+ opcodes: the usual <c>__reduce__</c> payload shape.</summary>
    public static byte[] Call(string module, string name, string arg, int protocol = 4) =>
        new PickleWriter().Proto(protocol).StackGlobal(module, name).Unicode(arg).Tuple1().Reduce().Stop().ToArray();

    /// <summary>The same call written as protocol 0 text.</summary>
    public static byte[] TextCall(string module, string name, string arg) =>
        new PickleWriter().Global(module, name).Mark().TextString(arg).Tuple().Reduce().Stop().ToArray();
}
