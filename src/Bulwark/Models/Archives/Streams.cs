using Bulwark.Models;

namespace Bulwark.Models.Archives;

/// <summary>A read-only, seekable window onto part of a seekable stream: a stored member read in place, never copied.</summary>
internal sealed class SubStream : Stream
{
    private readonly Stream _base;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    public SubStream(Stream baseStream, long start, long length)
    {
        _base = baseStream;
        _start = Math.Clamp(start, 0, baseStream.Length);
        _length = Math.Clamp(length, 0, baseStream.Length - _start);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = _length - _position;
        if (left <= 0 || buffer.Length == 0) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        _base.Position = _start + _position;
        var n = _base.Read(buffer);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Counts the bytes read through a (compressed) stream: the denominator of the ratio check.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A decompressed member as a seekable stream that decompresses lazily: only as far as anyone reads (a format check
/// reads its head; a pickle walk reads to STOP), caching what it produced (in memory, then a temporary file).
/// Bounded: past <see cref="ModelScanLimits.MaxMemberBytes"/>, the compression ratio, or the container's total it
/// reports <c>BW-MODEL-ARCHIVE-LIMIT</c> once and ends; a decompressor that fails (truncated, corrupt, wrong CRC)
/// reports <c>BW-MODEL-ARCHIVE-CORRUPT</c> and ends — what was decompressed so far stays readable.
/// </summary>
internal sealed class LazyMemberStream : Stream
{
    private const long MemoryCacheBytes = 64L << 20;

    private readonly Stream _source;
    private readonly Func<long> _compressedConsumed;
    private readonly long _declaredLength;
    private readonly ModelScan _scan;
    private readonly string _member;
    private readonly ArchiveBudget? _budget;
    private readonly Func<long, string?>? _endCheck;
    private readonly byte[] _chunk = new byte[81920];
    private Stream _cache = new MemoryStream();
    private long _cached;
    private long _position;
    private Crc32 _crc = new();

    /// <param name="source">The decompressing stream (owned: disposed with this one).</param>
    /// <param name="compressedConsumed">Compressed bytes read so far (for the ratio check).</param>
    /// <param name="declaredLength">The size the container declares (may lie); -1 when unknown.</param>
    /// <param name="endCheck">Given the decompressed size when the decompressor ends cleanly, what is wrong with it
    /// (a size the container's trailer disagrees with: decompressors end silently on truncated input), or null.</param>
    public LazyMemberStream(Stream source, Func<long> compressedConsumed, long declaredLength, ModelScan scan, string member, ArchiveBudget? budget,
        Func<long, string?>? endCheck = null)
    {
        _endCheck = endCheck;
        _source = source;
        _compressedConsumed = compressedConsumed;
        _declaredLength = declaredLength;
        _scan = scan;
        _member = member;
        _budget = budget;
    }

    /// <summary>Whether the decompressor was read to its end (or stopped by a limit or an error).</summary>
    public bool Ended { get; private set; }

    /// <summary>Whether it ended cleanly: the whole member was decompressed without a limit or an error.</summary>
    public bool Complete { get; private set; }

    /// <summary>CRC-32 of the bytes decompressed so far (the member's, once <see cref="Complete"/>).</summary>
    public uint Crc => _crc.Value;

    public long DecompressedBytes => _cached;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    /// <summary>The declared size when known (reading past the real end just ends), else the real size (decompressing all).</summary>
    public override long Length
    {
        get
        {
            if (Ended) return _cached;
            if (_declaredLength >= 0) return Math.Min(_declaredLength, _scan.Limits.MaxMemberBytes);
            Fill(long.MaxValue);
            return _cached;
        }
    }

    public override long Position
    {
        get => _position;
        set => _position = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    /// <summary>Decompresses the rest (bounded), e.g. to check the CRC of a small member.</summary>
    public void Drain() => Fill(long.MaxValue);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        if (_position + buffer.Length > _cached) Fill(_position + buffer.Length);
        var left = _cached - _position;
        if (left <= 0) return 0;
        if (buffer.Length > left) buffer = buffer[..(int)left];
        _cache.Position = _position;
        var n = _cache.Read(buffer);
        _position += n;
        return n;
    }

    private void Fill(long upTo)
    {
        var limits = _scan.Limits;
        while (!Ended && _cached < upTo)
        {
            _scan.CancellationToken.ThrowIfCancellationRequested();
            int n;
            try
            {
                n = _source.Read(_chunk, 0, _chunk.Length);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
#pragma warning disable CA1031 // a decompressor failing on hostile input ends the member; what was read stays
            catch (Exception e)
#pragma warning restore CA1031
            {
                Ended = true;
                _scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, _member,
                    $"The member could not be decompressed past byte {_cached}: {e.GetType().Name}: {e.Message}"));
                return;
            }
            if (n <= 0)
            {
                Ended = true;
                var problem = _endCheck?.Invoke(_cached);
                if (problem is null) Complete = true;
                else _scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, _member, $"The member is truncated or corrupted: {problem}."));
                return;
            }
            if (_cached + n > limits.MaxMemberBytes)
            {
                Stop($"The member decompresses to more than the member limit ({limits.MaxMemberBytes} bytes); only its start was scanned.", "MaxMemberBytes");
                n = (int)(limits.MaxMemberBytes - _cached);
            }
            var after = _cached + n;
            if (!Ended && after > ArchiveSupport.RatioSlackBytes && after > limits.MaxCompressionRatio * Math.Max(1, _compressedConsumed()))
            {
                Stop($"The member decompresses more than {limits.MaxCompressionRatio}:1 (a compression bomb); only its start was scanned.", "MaxCompressionRatio");
            }
            if (!Ended && _budget is not null && !_budget.Add(n)) Ended = true;
            Append(_chunk.AsSpan(0, n));
        }
    }

    private void Stop(string message, string limit)
    {
        Ended = true;
        _scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, _member, message, limit));
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (_cache is MemoryStream && _cached + data.Length > MemoryCacheBytes)
        {
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            _cache.Position = 0;
            _cache.CopyTo(file);
            _cache.Dispose();
            _cache = file;
        }
        _cache.Position = _cached;
        _cache.Write(data);
        _crc.Append(data);
        _cached += data.Length;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cache.Dispose();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }
}
