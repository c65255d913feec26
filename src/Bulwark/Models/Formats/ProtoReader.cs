using System.Text;

namespace Bulwark.Models.Formats;

/// <summary>
/// A minimal protocol-buffers wire-format reader (no schema, no Google.Protobuf) for the few fields the ONNX and
/// SavedModel checks need. Messages are windows <c>[position, end)</c> of the file; every length is checked against the
/// enclosing window before it is used, and fields that are not needed (tensor data above all) are skipped by seeking.
/// </summary>
internal sealed class ProtoReader(BoundedReader reader)
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLength = 2;
    public const int WireFixed32 = 5;

    public BoundedReader Reader { get; } = reader;

    public long Position => Reader.Position;

    /// <summary>Reads the next tag of the message ending at <paramref name="end"/>; false at its end.</summary>
    public bool Next(long end, out int field, out int wire)
    {
        field = 0;
        wire = 0;
        if (Reader.Position >= end)
        {
            if (Reader.Position > end)
            {
                throw new MalformedModelException($"a field runs past the end of its message at offset {end}");
            }

            return false;
        }

        var tag = ReadVarint();
        if (tag > int.MaxValue || (tag >> 3) == 0)
        {
            throw new MalformedModelException($"invalid protobuf tag {tag} at offset {Reader.Position}");
        }

        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Reader.ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new MalformedModelException($"a varint longer than 10 bytes at offset {Reader.Position}");
    }

    /// <summary>Reads a length prefix and returns the end of the field, checked against <paramref name="end"/>.</summary>
    public long ReadLengthEnd(long end)
    {
        var length = ReadVarint();
        if (length > (ulong)(end - Reader.Position))
        {
            throw new MalformedModelException($"a length of {length} at offset {Reader.Position} runs past the end of its message");
        }

        return Reader.Position + (long)length;
    }

    /// <summary>Reads a length-delimited string of at most <paramref name="max"/> bytes; longer ones are skipped and read as null.</summary>
    public string? ReadString(long end, int max)
    {
        var fieldEnd = ReadLengthEnd(end);
        var length = fieldEnd - Reader.Position;
        if (length > max)
        {
            Reader.Seek(fieldEnd);
            return null;
        }

        return Encoding.UTF8.GetString(Reader.ReadBytes(length, max));
    }

    public void SkipField(int wire, long end)
    {
        switch (wire)
        {
            case WireVarint:
                ReadVarint();
                break;
            case WireFixed64:
                Reader.Skip(8);
                break;
            case WireLength:
                Reader.Seek(ReadLengthEnd(end));
                break;
            case WireFixed32:
                Reader.Skip(4);
                break;
            default:
                throw new MalformedModelException($"unsupported protobuf wire type {wire} at offset {Reader.Position}");
        }

        if (Reader.Position > end)
        {
            throw new MalformedModelException($"a field runs past the end of its message at offset {end}");
        }
    }
}
