using System.Buffers;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Text;

/// <summary>
/// Streams a document of any size through a <see cref="PatternEngine"/>: bytes are read and decoded a chunk at a
/// time, each chunk keeps a margin of the previous one so windows never break at a chunk edge, non-ASCII
/// chunks are normalised (NFKC, invisible characters removed) with offsets mapped back, and matches get
/// lines and columns. Memory stays at a few chunk sizes whatever the file size.
/// </summary>
public sealed class TextDocumentScanner(PatternEngine engine, ScanLimits limits, TimeProvider time)
{
    /// <summary>Bytes read per chunk.</summary>
    public const int ChunkBytes = 1 << 20;

    // Characters kept before the next unscanned position, so a window can reach back to its line start.
    private const int LookBack = PatternEngine.LineReach;

    public TextScanOutcome Scan(Stream stream, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var chars = ArrayPool<char>.Shared.Rent(ChunkBytes + LookBack + PatternEngine.WindowMargin + 16);
        try
        {
            var read = stream.ReadAtLeast(bytes.AsSpan(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false);
            var sniff = TextEncodingSniffer.Sniff(bytes.AsSpan(0, read));
            if (sniff.Kind == SniffedKind.Binary) return new TextScanOutcome([], 0, true, 0, false, false);

            var fallback = new CountingDecoderFallback();
            var encoding = (Encoding)sniff.Encoding.Clone();
            encoding.DecoderFallback = fallback;
            var decoder = encoding.GetDecoder();

            var state = new ChunkState();
            var offset = sniff.BomLength;
            var carry = 0;
            long characters = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var last = read < ChunkBytes;
                var decoded = decoder.GetChars(bytes, offset, read - offset, chars, carry, flush: last);
                var length = carry + decoded;
                characters += decoded;
                var text = new string(chars, 0, length);
                var cut = last ? length : Math.Max(state.ScanFrom, length - PatternEngine.WindowMargin);
                ScanChunk(text, cut, state);

                if (state.Matches.Count >= limits.MaxFindingsPerFile)
                    return state.Outcome(characters, fallback.InvalidSequences, timedOut: false, truncated: true);
                if (last) return state.Outcome(characters, fallback.InvalidSequences, timedOut: false, truncated: false);
                if (time.GetElapsedTime(started) > limits.PerFileTimeout)
                    return state.Outcome(characters, fallback.InvalidSequences, timedOut: true, truncated: false);

                carry = state.Advance(text, cut, Math.Max(0, cut - LookBack));
                text.AsSpan(length - carry).CopyTo(chars);
                read = stream.ReadAtLeast(bytes.AsSpan(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false);
                offset = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Scans a string held in memory (one request, one line of <c>bulwark detect</c>).</summary>
    public IReadOnlyList<TextMatch> ScanString(string text)
    {
        var state = new ChunkState();
        ScanChunk(text, text.Length, state);
        return state.Matches;
    }

    private void ScanChunk(string text, int cut, ChunkState state)
    {
        var normalized = NormalizedText.Create(text);
        var raw = new List<PatternMatch>();
        engine.Match(normalized.Text, normalized.FromOriginal(state.ScanFrom), normalized.FromOriginal(cut), raw);
        if (raw.Count == 0) return;

        raw.Sort((a, b) => a.Start.CompareTo(b.Start));
        var lines = new LineCounter(text, state.LineAtStart, state.ColumnAtStart);
        foreach (var match in raw)
        {
            if (state.Matches.Count >= limits.MaxFindingsPerFile) return;
            var start = normalized.ToOriginalStart(match.Start);
            var end = Math.Max(start, normalized.ToOriginalEnd(match.End));
            if (!state.Seen.Add((match.RuleIndex, state.ChunkStart + start))) continue;

            var (line, column) = lines.At(start);
            var (endLine, endColumn) = lines.At(end);
            var secret = normalized.Text[match.SecretStart..match.SecretEnd];
            var secretStart = Math.Clamp(normalized.ToOriginalStart(match.SecretStart), start, end);
            var secretEnd = Math.Clamp(normalized.ToOriginalEnd(match.SecretEnd), secretStart, end);
            state.Matches.Add(new TextMatch(engine.Rules[match.RuleIndex], state.ChunkStart + start, state.ChunkStart + end,
                line, column, endLine, endColumn, text[start..end], secret, secretStart - start, secretEnd - secretStart));
        }
    }

    /// <summary>Where the current chunk sits in the document, and what was found so far.</summary>
    private sealed class ChunkState
    {
        public long ChunkStart;
        public int ScanFrom;
        public int LineAtStart = 1;
        public int ColumnAtStart; // 0-based column of the chunk's first character
        public readonly List<TextMatch> Matches = [];
        public readonly HashSet<(int Rule, long Start)> Seen = [];

        /// <summary>Moves the chunk start to <paramref name="keepFrom"/>; returns how many characters to carry.</summary>
        public int Advance(string text, int cut, int keepFrom)
        {
            var kept = text.AsSpan(0, keepFrom);
            var newlines = kept.Count('\n');
            LineAtStart += newlines;
            var lastNewline = kept.LastIndexOf('\n');
            ColumnAtStart = lastNewline < 0 ? ColumnAtStart + keepFrom : keepFrom - lastNewline - 1;
            ChunkStart += keepFrom;
            ScanFrom = cut - keepFrom;
            return text.Length - keepFrom;
        }

        public TextScanOutcome Outcome(long characters, int invalid, bool timedOut, bool truncated) =>
            new(Matches, characters, false, invalid, timedOut, truncated);
    }

    /// <summary>Turns chunk offsets into lines and columns, counting newlines once for matches in order.</summary>
    private sealed class LineCounter(string text, int firstLine, int columnAtStart)
    {
        private readonly int _firstLine = firstLine;
        private int _position;
        private int _line = firstLine;
        private int _lastNewline = -1;

        public (int Line, int Column) At(int offset)
        {
            if (offset < _position)
            {
                _position = 0;
                _line = _firstLine;
                _lastNewline = -1;
            }
            var span = text.AsSpan(_position, offset - _position);
            var count = span.Count('\n');
            if (count > 0)
            {
                _line += count;
                _lastNewline = _position + span.LastIndexOf('\n');
            }
            _position = offset;
            var column = _lastNewline < 0 ? columnAtStart + offset + 1 : offset - _lastNewline;
            return (_line, column);
        }
    }
}
