using System.Collections.Concurrent;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Counts the streamed answers each key holds open on this gateway instance (<c>limits.max-streams-per-key</c>). A
/// stream ties up a connection, a guard state and an upstream slot for as long as the model talks, so a key that
/// opens hundreds could starve every other key; a rate limit alone does not stop that when each stream is long.
/// </summary>
public sealed class StreamSlots(GatewayOptions options)
{
    private readonly ConcurrentDictionary<string, OpenCount> _open = new(StringComparer.Ordinal);

    /// <summary>A slot to dispose when the stream ends, or null when the key already holds its limit.</summary>
    public IDisposable? TryEnter(string keyId)
    {
        var count = _open.GetOrAdd(keyId, _ => new OpenCount());
        if (Interlocked.Increment(ref count.Value) <= options.Limits.MaxStreamsPerKey) return new Slot(count);
        Interlocked.Decrement(ref count.Value);
        return null;
    }

    /// <summary>Streams the key holds open now (tests and diagnostics).</summary>
    public int OpenFor(string keyId) => _open.TryGetValue(keyId, out var count) ? Volatile.Read(ref count.Value) : 0;

    private sealed class OpenCount
    {
        public int Value;
    }

    private sealed class Slot(OpenCount count) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref count.Value);
        }
    }
}
