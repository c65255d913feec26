using System.Globalization;
using System.Net;
using Bulwark.Kernel;

namespace Bulwark.Infra.Probe;

/// <summary>
/// Reads what a user types as targets: <c>HOST</c>, <c>HOST:PORT</c>, <c>HOST:PORT,PORT2</c>, <c>HOST:8000-8010</c>,
/// <c>[::1]:8080</c>, a bare IPv6 address, <c>http://host:port</c> and <c>https://host:port</c>. A host without a
/// port gets the default ports (every port of the catalog, or <c>--ports</c>). Bad input is a
/// <see cref="BulwarkInputException"/> that quotes the target.
/// </summary>
public static class ProbeTargetParser
{
    /// <summary>Most endpoints one run may probe: a typo in a range should not become a port scan of the Internet.</summary>
    public const int MaxEndpoints = 10_000;

    /// <param name="defaultPorts">Ports for a target that names none.</param>
    /// <param name="https">Probe with https where the target gives no scheme (<c>--tls</c>).</param>
    public static IReadOnlyList<ProbeTarget> Parse(IEnumerable<string> targets, IReadOnlyList<int> defaultPorts, bool https = false)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(defaultPorts);
        var result = new List<ProbeTarget>();
        var seen = new HashSet<ProbeTarget>();
        foreach (var raw in targets)
        {
            foreach (var target in ParseOne(raw?.Trim() ?? "", defaultPorts, https))
            {
                if (seen.Add(target)) result.Add(target);
                if (result.Count > MaxEndpoints) throw new BulwarkInputException($"more than {MaxEndpoints:N0} endpoints to probe; narrow the targets or --ports");
            }
        }
        if (result.Count == 0) throw new BulwarkInputException("no targets to probe");
        return result;
    }

    /// <summary>A port list: <c>8000,8080</c>, ranges <c>8000-8010</c>, duplicates dropped, order kept.</summary>
    public static IReadOnlyList<int> ParsePorts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ports = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var (low, high) = dash < 0 ? (Port(part, text), Port(part, text)) : (Port(part[..dash], text), Port(part[(dash + 1)..], text));
            if (low > high) throw new BulwarkInputException($"port range '{part}' runs backwards");
            if (high - low >= MaxEndpoints) throw new BulwarkInputException($"port range '{part}' is over {MaxEndpoints:N0} ports");
            for (var port = low; port <= high; port++)
            {
                if (!ports.Contains(port)) ports.Add(port);
            }
        }
        return ports;
    }

    private static IEnumerable<ProbeTarget> ParseOne(string raw, IReadOnlyList<int> defaultPorts, bool https)
    {
        if (raw.Length == 0) throw new BulwarkInputException("empty target");
        if (raw.Length > 300) throw new BulwarkInputException($"target '{raw[..40]}…' is too long");
        var scheme = raw.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) return [FromUrl(raw, scheme)];
        var (host, portText) = SplitHostPort(raw);
        var ports = portText is null ? defaultPorts : ParsePorts(portText);
        if (ports.Count == 0) throw new BulwarkInputException($"target '{raw}' has no ports to probe");
        var checkedHost = Host(host, raw);
        return ports.Select(p => new ProbeTarget(checkedHost, p, https));
    }

    private static ProbeTarget FromUrl(string raw, int schemeEnd)
    {
        var scheme = raw[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https")) throw new BulwarkInputException($"target '{raw}': only http:// and https:// are probed");
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new BulwarkInputException($"target '{raw}' is not a valid URL");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            throw new BulwarkInputException($"target '{raw}': give the server's root URL; the probe chooses the paths");
        return new ProbeTarget(Host(uri.Host.Trim('[', ']'), raw), uri.Port, scheme == "https");
    }

    // "[v6]:ports", "[v6]", a bare v6 address (two colons or more), "host:ports" or "host".
    private static (string Host, string? Ports) SplitHostPort(string raw)
    {
        if (raw.StartsWith('['))
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) throw new BulwarkInputException($"target '{raw}' opens '[' without closing it");
            var rest = raw[(close + 1)..];
            if (rest.Length > 0 && !rest.StartsWith(':')) throw new BulwarkInputException($"target '{raw}' has text after ']' that is not ':PORT'");
            return (raw[1..close], rest.Length > 0 ? rest[1..] : null);
        }
        var colons = raw.Count(c => c == ':');
        if (colons == 0) return (raw, null);
        if (colons > 1) return (raw, null);
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        return (raw[..colon], raw[(colon + 1)..]);
    }

    private static string Host(string host, string raw)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            if (host.Contains(':', StringComparison.Ordinal) && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                throw new BulwarkInputException($"target '{raw}' is not a valid address");
            return address.ToString();
        }
        if (host.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(host) != UriHostNameType.Dns)
            throw new BulwarkInputException($"target '{raw}' does not name a valid host");
        return host.ToLowerInvariant();
    }

    private static int Port(string text, string list) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new BulwarkInputException($"'{text}' in '{list}' is not a port (1-65535)");
}
