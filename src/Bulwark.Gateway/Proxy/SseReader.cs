using System.Text;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Server-sent events from an upstream, one <c>data</c> payload at a time (multi-line data joined with newlines;
/// comments and other fields skipped). A line longer than the bound is an error, not an allocation without end.
/// </summary>
internal sealed class SseReader(UpstreamBody body, int maxEventChars = 4 * 1024 * 1024)
{
    private readonly Decoder _decoder = new UTF8Encoding(false, throwOnInvalidBytes: false).GetDecoder();
    private readonly byte[] _bytes = new byte[16 * 1024];
    private readonly char[] _chars = new char[16 * 1024 + 4];
    private readonly StringBuilder _line = new();
    private int _charCount;
    private int _charPosition;
    private bool _ended;
    private bool _skipLineFeed;

    /// <summary>The next event's data, or null at the end of the stream.</summary>
    public async Task<string?> NextAsync()
    {
        StringBuilder? data = null;
        while (await ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null) return data.ToString();
                continue;
            }
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue; // comments (":"), event, id, retry
            var value = line.AsSpan(5);
            if (value.StartsWith(" ")) value = value[1..];
            if (data is null) data = new StringBuilder().Append(value);
            else data.Append('\n').Append(value);
            if (data.Length > maxEventChars) throw new InvalidDataException($"an upstream event is over {maxEventChars:N0} characters");
        }
        return data?.ToString(); // a last event without its blank line
    }

    private async Task<string?> ReadLineAsync()
    {
        _line.Clear();
        while (true)
        {
            if (_charPosition == _charCount)
            {
                if (_ended) return _line.Length > 0 ? _line.ToString() : null;
                var read = await body.ReadAsync(_bytes).ConfigureAwait(false);
                _ended = read == 0;
                _charCount = _decoder.GetChars(_bytes, 0, read, _chars, 0, flush: _ended);
                _charPosition = 0;
                continue;
            }
            var c = _chars[_charPosition++];
            if (_skipLineFeed)
            {
                _skipLineFeed = false;
                if (c == '\n') continue;
            }
            if (c is '\n' or '\r')
            {
                _skipLineFeed = c == '\r';
                return _line.ToString();
            }
            _line.Append(c);
            if (_line.Length > maxEventChars) throw new InvalidDataException($"an upstream line is over {maxEventChars:N0} characters");
        }
    }
}
