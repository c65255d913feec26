namespace Bulwark.Models.Pickle;

/// <summary>A pickle stream that cannot be walked further: malformed, truncated or over a limit.</summary>
internal sealed class PickleFormatException(string message, bool limit = false) : Exception(message)
{
    public bool IsLimit { get; } = limit;
}

/// <summary>
/// Buffered reads over the pickle's stream with an absolute offset. A declared length is checked against the bytes
/// left before anything is allocated; long payloads are skipped (seeking when possible), never read whole.
/// </summary>
internal sealed class PickleInput
{
    private readonly Stream _stream;
    private readonly long _start;
    private readonly long _end; // -1 when unknown (not seekable)
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _position;
    private int _count;
    private long _bufferOffset; // offset (from _start) of _buffer[0]

    /// <param name="logicalLength">Bytes the whole stream holds when <paramref name="stream"/> is only its head (the
    /// recogniser's probe): declared lengths are checked against it, and reading past the head sets <see cref="HitEnd"/>.</param>
    public PickleInput(Stream stream, long? logicalLength = null)
    {
        _stream = stream;
        if (stream.CanSeek)
        {
            _start = stream.Position;
            _end = (logicalLength ?? stream.Length) - _start;
        }
        else _end = logicalLength ?? -1;
    }

    /// <summary>Whether a read found no more bytes.</summary>
    public bool HitEnd { get; private set; }

    /// <summary>Offset of the next byte from where the walk started.</summary>
    public long Offset => _bufferOffset + _position;

    /// <summary>Bytes left, or <see cref="long.MaxValue"/> when the stream cannot tell.</summary>
    public long Remaining => _end < 0 ? long.MaxValue : _end - Offset;

    private bool Fill()
    {
        if (_position < _count) return true;
        _bufferOffset += _count;
        _position = 0;
        _count = _stream.Read(_buffer, 0, _buffer.Length);
        if (_count > 0) return true;
        HitEnd = true;
        return false;
    }

    /// <summary>The next byte, or -1 at the end.</summary>
    public int ReadByte() => Fill() ? _buffer[_position++] : -1;

    public int PeekByte() => Fill() ? _buffer[_position] : -1;

    public byte Byte() => ReadByte() is var b and >= 0 ? (byte)b : throw Truncated(1);

    /// <summary>Throws unless <paramref name="length"/> bytes remain: a hostile length never becomes an allocation.</summary>
    public void Require(long length)
    {
        if (length < 0) throw new PickleFormatException($"negative length {length} at offset {Offset}");
        if (length > Remaining) throw new PickleFormatException($"declared length {length} at offset {Offset} runs past the end of the stream ({Remaining} bytes left)");
    }

    public void ReadExactly(Span<byte> destination)
    {
        Require(destination.Length);
        var done = 0;
        while (done < destination.Length)
        {
            if (!Fill()) throw Truncated(destination.Length - done);
            var n = Math.Min(destination.Length - done, _count - _position);
            _buffer.AsSpan(_position, n).CopyTo(destination[done..]);
            _position += n;
            done += n;
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes when at most <paramref name="keep"/>; otherwise skips them and returns null.</summary>
    public byte[]? ReadOrSkip(long length, long keep)
    {
        Require(length);
        if (length <= keep)
        {
            var data = new byte[length];
            ReadExactly(data);
            return data;
        }
        Skip(length);
        return null;
    }

    public void Skip(long length)
    {
        Require(length);
        var inBuffer = Math.Min(length, _count - _position);
        _position += (int)inBuffer;
        length -= inBuffer;
        if (length == 0) return;
        if (_stream.CanSeek)
        {
            _bufferOffset += _count + length;
            _position = 0;
            _count = 0;
            _stream.Seek(_start + _bufferOffset, SeekOrigin.Begin);
            return;
        }
        while (length > 0)
        {
            if (!Fill()) throw Truncated(length);
            var n = (int)Math.Min(length, _count - _position);
            _position += n;
            length -= n;
        }
    }

    /// <summary>
    /// A text-mode argument up to <c>\n</c> (excluded). Lines longer than <paramref name="keep"/> are consumed
    /// and returned as null; a line still open at the end of the stream is an error.
    /// </summary>
    public byte[]? ReadLine(int keep)
    {
        var kept = new List<byte>(Math.Min(keep, 64));
        var overflow = false;
        while (true)
        {
            if (!Fill()) throw new PickleFormatException($"unterminated text argument at offset {Offset}");
            var span = _buffer.AsSpan(_position, _count - _position);
            var newline = span.IndexOf((byte)'\n');
            var part = newline < 0 ? span : span[..newline];
            if (!overflow)
            {
                if (kept.Count + part.Length > keep) overflow = true;
                else kept.AddRange(part);
            }
            if (newline >= 0)
            {
                _position += newline + 1;
                return overflow ? null : [.. kept];
            }
            _position = _count;
        }
    }

    private PickleFormatException Truncated(long wanted) => new($"stream ends at offset {Offset} with {wanted} more bytes expected");
}
