using System.Runtime.CompilerServices;
using System.Text;

namespace Bulwark.Governance.ShadowAi.Discovery;

/// <summary>
/// Counts AI-service use per user or host and service as records stream by. Only matched records reach it (a few
/// per cent of a proxy log), and a known user costs no allocation: names are looked up by span and kept once.
/// </summary>
internal sealed class UsageAggregator
{
    private const int MaxIdentityChars = 256;
    private readonly Dictionary<string, int> _identities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _identityLookup;
    private readonly Dictionary<long, UsageCounter> _usage = [];

    public UsageAggregator() => _identityLookup = _identities.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Identities in order of first appearance: the user a log names, else the client.</summary>
    public List<IdentityFacts> Identities { get; } = [];

    public IEnumerable<(int Identity, int Service, UsageCounter Counter)> Usage =>
        _usage.Select(u => ((int)(u.Key >> 32), (int)(u.Key & 0xFFFFFFFF), u.Value));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ref LogRecord record, int service)
    {
        var user = record.User;
        var isUser = !user.IsEmpty && !(user.Length == 1 && user[0] == (byte)'-');
        var identity = Identity(isUser ? user : record.Client, isUser, record.Client);
        var key = ((long)identity << 32) | (uint)service;
        if (!_usage.TryGetValue(key, out var counter)) _usage[key] = counter = new UsageCounter();
        counter.Add(record.TimestampMs, record.BytesOut, record.BytesIn);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Identity(ReadOnlySpan<byte> name, bool isUser, ReadOnlySpan<byte> client)
    {
        Span<char> chars = stackalloc char[MaxIdentityChars];
        var length = Encoding.UTF8.GetChars(name.Length > MaxIdentityChars ? name[..MaxIdentityChars] : name, chars);
        ReadOnlySpan<char> text = length == 0 ? "(unknown)" : chars[..length];
        if (_identityLookup.TryGetValue(text, out var index)) return index;
        var stored = text.ToString();
        index = Identities.Count;
        _identities[stored] = index;
        Identities.Add(new IdentityFacts(stored, isUser, isUser && !client.IsEmpty ? Encoding.UTF8.GetString(client) : isUser ? null : stored));
        return index;
    }
}

/// <summary>A user or host as first seen: the client a user came from is kept for the department map.</summary>
internal sealed record IdentityFacts(string Name, bool IsUser, string? Client);

/// <summary>Requests, bytes each way (null when no line of the logs said) and the first and last time of one identity's use of one service.</summary>
internal sealed class UsageCounter
{
    public long Requests { get; private set; }
    public long? BytesOut { get; private set; }
    public long? BytesIn { get; private set; }
    public long FirstMs { get; private set; } = long.MaxValue;
    public long LastMs { get; private set; } = long.MinValue;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long timestampMs, long bytesOut, long bytesIn)
    {
        Requests++;
        if (bytesOut >= 0) BytesOut = (BytesOut ?? 0) + bytesOut;
        if (bytesIn >= 0) BytesIn = (BytesIn ?? 0) + bytesIn;
        if (timestampMs > 0)
        {
            if (timestampMs < FirstMs) FirstMs = timestampMs;
            if (timestampMs > LastMs) LastMs = timestampMs;
        }
    }

    public DateTimeOffset? First => FirstMs == long.MaxValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(FirstMs);

    public DateTimeOffset? Last => LastMs == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(LastMs);
}
