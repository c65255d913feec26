using System.Buffers.Binary;
using System.Text;

namespace Bulwark.Models.Formats;

/// <summary>A file whose structure contradicts itself or its length: the reader stops and the format reports it.</summary>
internal sealed class MalformedModelException(string message) : Exception(message);

/// <summary>
/// A forward reader over a seekable stream that never trusts a declared length: every read and skip is checked against
/// the stream's length first, skips seek instead of reading (tensor data is never touched), and reads go through one
/// small buffer so byte-at-a-time parsing stays cheap.
/// </summary>
internal sealed class BoundedReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _position;

    public BoundedReader(Stream stream, int bufferSize = 64 * 1024)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The model stream must be seekable.", nameof(stream));
        }

        _stream = stream;
        Length = stream.Length;
        _buffer = new byte[bufferSize];
    }

    public long Length { get; }

    public long Position => _position;

    public long Remaining => Length - _position;

    public bool BigEndian { get; set; }

    public void Seek(long position)
    {
        if (position < 0 || position > Length)
        {
            throw new MalformedModelException($"offset {position} is outside the file ({Length} bytes)");
        }

        _position = position;
    }

    public void Skip(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MalformedModelException($"a length of {count} at offset {_position} runs past the end of the file ({Length} bytes)");
        }

        _position += count;
    }

    /// <summary>Throws unless <paramref name="count"/> more bytes exist.</summary>
    public void Require(long count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MalformedModelException($"a length of {count} at offset {_position} runs past the end of the file ({Length} bytes)");
        }
    }

    public byte ReadByte()
    {
        if (_position >= Length)
        {
            throw new MalformedModelException($"the file ends at offset {_position} in the middle of a structure");
        }

        if (_position < _bufferStart || _position >= _bufferStart + _bufferLength)
        {
            Fill();
        }

        return _buffer[(int)(_position++ - _bufferStart)];
    }

    public void ReadExactly(Span<byte> destination)
    {
        Require(destination.Length);
        var done = 0;
        while (done < destination.Length)
        {
            if (_position < _bufferStart || _position >= _bufferStart + _bufferLength)
            {
                Fill();
            }

            var offset = (int)(_position - _bufferStart);
            var n = Math.Min(destination.Length - done, _bufferLength - offset);
            _buffer.AsSpan(offset, n).CopyTo(destination[done..]);
            done += n;
            _position += n;
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes, after checking they exist and are at most <paramref name="max"/>.</summary>
    public byte[] ReadBytes(long count, long max)
    {
        if (count > max)
        {
            throw new MalformedModelException($"a length of {count} at offset {_position} is over the limit of {max} bytes");
        }

        Require(count);
        var bytes = new byte[count];
        ReadExactly(bytes);
        return bytes;
    }

    public string ReadUtf8(long count, long max) => Encoding.UTF8.GetString(ReadBytes(count, max));

    public ushort ReadUInt16()
    {
        Span<byte> b = stackalloc byte[2];
        ReadExactly(b);
        return BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    public uint ReadUInt32()
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(b);
        return BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    public ulong ReadUInt64()
    {
        Span<byte> b = stackalloc byte[8];
        ReadExactly(b);
        return BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    private void Fill()
    {
        _stream.Position = _position;
        _bufferStart = _position;
        var want = (int)Math.Min(_buffer.Length, Length - _position);
        var total = 0;
        while (total < want)
        {
            var n = _stream.Read(_buffer, total, want - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        _bufferLength = total;
        if (total == 0)
        {
            throw new MalformedModelException($"the stream ended at offset {_position}, before its declared length");
        }
    }
}
