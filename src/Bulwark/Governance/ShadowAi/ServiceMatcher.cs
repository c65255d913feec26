using System.Runtime.CompilerServices;
using System.Text;

namespace Bulwark.Governance.ShadowAi;

/// <summary>
/// Finds the catalog service a host belongs to. Discovery calls it on every line of large logs, so the common path
/// allocates nothing: one backward pass over the bytes folds case, validates, and hashes each parent suffix as it
/// completes, probing an open-addressing table over UTF-8 keys at every label boundary. Only a host with non-ASCII
/// bytes (UTF-8 IDN, rare) allocates, to convert it to punycode.
/// </summary>
/// <remarks>
/// A catalog <c>domain</c> matches itself and its subdomains on label boundaries (<c>chat.openai.com</c> matches
/// <c>openai.com</c>; <c>notopenai.com</c> and <c>openai.com.evil.net</c> do not); a <c>host</c> matches only itself.
/// When names nest (<c>chat.mistral.ai</c> under <c>mistral.ai</c>) the longest wins. Case is ignored, a trailing dot
/// and a <c>:port</c> are stripped; IP literals, bracketed IPv6, names over 253 characters and bytes that cannot be
/// in a host name never match.
/// </remarks>
public sealed class ServiceMatcher
{
    private const int NoMatch = -1;
    private const int NeedsIdn = -2;
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    private static readonly Lazy<ServiceMatcher> Embedded = new(() => new ServiceMatcher(GenAiCatalog.Default));

    private readonly byte[] _keys;
    private readonly Entry[] _entries;
    private readonly int[] _slots;
    private readonly int _shift;
    private readonly int _mask;
    private readonly string[] _allDomains;

    public ServiceMatcher(GenAiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Catalog = catalog;
        var names = new List<(string Name, int Service, bool Exact)>();
        foreach (var service in catalog.Services)
        {
            names.AddRange(service.Domains.Select(d => (d, service.Index, false)));
            names.AddRange(service.Hosts.Select(h => (h, service.Index, true)));
        }
        _allDomains = [.. names.Select(n => n.Name).Order(StringComparer.Ordinal)];

        // A quarter full at most: a miss (the common case in a log) usually ends at the first empty slot.
        var bits = Math.Max(4, 64 - (int)ulong.LeadingZeroCount((ulong)names.Count * 4 - 1));
        _slots = new int[1 << bits];
        _mask = _slots.Length - 1;
        _shift = 32 - bits;
        _keys = new byte[names.Sum(n => n.Name.Length)];
        _entries = new Entry[names.Count];
        var offset = 0;
        for (var i = 0; i < names.Count; i++)
        {
            var (name, service, exact) = names[i];
            var length = Encoding.ASCII.GetBytes(name, _keys.AsSpan(offset));
            var hash = FnvOffset;
            for (var j = length - 1; j >= 0; j--) hash = (hash ^ _keys[offset + j]) * FnvPrime;
            _entries[i] = new Entry(hash, offset, length, service, exact);
            var slot = (int)((hash * 0x9E3779B9u) >> _shift);
            while (_slots[slot] != 0) slot = (slot + 1) & _mask;
            _slots[slot] = i + 1;
            offset += length;
        }
    }

    /// <summary>The matcher over the embedded catalog.</summary>
    public static ServiceMatcher Default => Embedded.Value;

    public GenAiCatalog Catalog { get; }

    /// <summary>Every domain and host of the catalog, sorted (one a line makes the <c>domains.txt</c> grep baseline).</summary>
    public IReadOnlyList<string> AllDomains => _allDomains;

    /// <summary>The index in <see cref="GenAiCatalog.Services"/> of the service <paramref name="host"/> belongs to, or -1.</summary>
    /// <param name="host">A host as logs write it: any case, optional trailing dot and <c>:port</c>, ASCII, punycode or UTF-8.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Match(ReadOnlySpan<byte> host)
    {
        host = host[Ascii.Trim(host)];
        if (host.IsEmpty || host.Length > HostNames.MaxUtf8Length || host[0] == (byte)'[') return NoMatch;
        var colon = host.IndexOf((byte)':');
        if (colon >= 0)
        {
            // One port of digits; a second colon (bare IPv6) fails the digit test.
            var port = host[(colon + 1)..];
            if (port.Length is 0 or > 5 || port.ContainsAnyExceptInRange((byte)'0', (byte)'9')) return NoMatch;
            host = host[..colon];
        }
        if (!host.IsEmpty && host[^1] == (byte)'.') host = host[..^1];
        var result = MatchAscii(host);
        return result == NeedsIdn ? MatchIdn(host) : result;
    }

    /// <summary>Convenience for callers holding a string (tests, the CLI); allocates nothing for ASCII hosts.</summary>
    public int Match(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Length > HostNames.MaxUtf8Length) return NoMatch;
        Span<byte> utf8 = stackalloc byte[HostNames.MaxUtf8Length * 3];
        return Match(utf8[..Encoding.UTF8.GetBytes(host, utf8)]);
    }

    /// <summary>The service <paramref name="host"/> belongs to, or null.</summary>
    public GenAiService? Find(ReadOnlySpan<byte> host)
    {
        var index = Match(host);
        return index < 0 ? null : Catalog.Services[index];
    }

    // Rare path: a UTF-8 IDN host, converted to punycode, then matched as ASCII.
    private int MatchIdn(ReadOnlySpan<byte> host)
    {
        var ascii = HostNames.Utf8ToAscii(host);
        if (ascii is null) return NoMatch;
        var result = MatchAscii(ascii);
        return result < 0 ? NoMatch : result;
    }

    // One pass from the right. When a '.' is reached the hash covers exactly the suffix after it, so each parent
    // domain costs one probe and no rehash; the last hit found is the longest suffix. The whole host is checked
    // before answering: garbage on the left of a known domain is still garbage.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int MatchAscii(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty) return NoMatch;
        var fold = FoldTable;
        var hash = FnvOffset;
        var best = NoMatch;
        var labelLength = 0;
        var firstLabel = true;
        var firstLabelDigits = true;
        for (var i = host.Length - 1; i >= 0; i--)
        {
            var b = host[i];
            if (b >= 0x80) return NeedsIdn;
            var c = fold[b];
            if (c == 0) return NoMatch;
            if (c == (byte)'.')
            {
                if (labelLength == 0) return NoMatch;
                if (firstLabel)
                {
                    // A numeric last label is an IPv4 literal (no TLD is numeric); no catalog name has one label.
                    if (firstLabelDigits) return NoMatch;
                    firstLabel = false;
                }
                else
                {
                    var hit = Lookup(hash, host[(i + 1)..], exactAllowed: false);
                    if (hit >= 0) best = hit;
                }
                labelLength = 0;
            }
            else
            {
                if (++labelLength > HostNames.MaxLabel) return NoMatch;
                if (firstLabel && (c < (byte)'0' || c > (byte)'9')) firstLabelDigits = false;
            }
            hash = (hash ^ c) * FnvPrime;
        }
        if (labelLength == 0 || firstLabel || host.Length > HostNames.MaxLength) return NoMatch;
        var whole = Lookup(hash, host, exactAllowed: true);
        return whole >= 0 ? whole : best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Lookup(uint hash, ReadOnlySpan<byte> name, bool exactAllowed)
    {
        var slot = (int)((hash * 0x9E3779B9u) >> _shift);
        while (true)
        {
            var index = _slots[slot];
            if (index == 0) return NoMatch;
            ref readonly var entry = ref _entries[index - 1];
            if (entry.Hash == hash && entry.Length == name.Length && (exactAllowed || !entry.Exact)
                && Ascii.EqualsIgnoreCase(name, _keys.AsSpan(entry.Start, entry.Length)))
            {
                return entry.Service;
            }
            slot = (slot + 1) & _mask;
        }
    }

    // Byte -> its lower-case form if it may appear in a host name (letters, digits, '-', '_', '.'), else 0.
    private static ReadOnlySpan<byte> FoldTable =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)'-', (byte)'.', 0,
        (byte)'0', (byte)'1', (byte)'2', (byte)'3', (byte)'4', (byte)'5', (byte)'6', (byte)'7', (byte)'8', (byte)'9', 0, 0, 0, 0, 0, 0,
        0, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f', (byte)'g', (byte)'h', (byte)'i', (byte)'j', (byte)'k', (byte)'l', (byte)'m', (byte)'n', (byte)'o',
        (byte)'p', (byte)'q', (byte)'r', (byte)'s', (byte)'t', (byte)'u', (byte)'v', (byte)'w', (byte)'x', (byte)'y', (byte)'z', 0, 0, 0, 0, (byte)'_',
        0, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', (byte)'f', (byte)'g', (byte)'h', (byte)'i', (byte)'j', (byte)'k', (byte)'l', (byte)'m', (byte)'n', (byte)'o',
        (byte)'p', (byte)'q', (byte)'r', (byte)'s', (byte)'t', (byte)'u', (byte)'v', (byte)'w', (byte)'x', (byte)'y', (byte)'z', 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private readonly record struct Entry(uint Hash, int Start, int Length, int Service, bool Exact);
}
