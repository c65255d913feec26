namespace Bulwark.Infra.Probe;

/// <summary>One endpoint to probe: a host (name or address, IPv6 without brackets), a port and the scheme.</summary>
public sealed record ProbeTarget(string Host, int Port, bool Https = false)
{
    public string Scheme => Https ? "https" : "http";

    /// <summary>The base URL, with IPv6 literals bracketed: <c>http://[::1]:8080/</c>.</summary>
    public Uri BaseUri => new UriBuilder(Scheme, Host, Port, "/").Uri;

    public override string ToString() => BaseUri.ToString();
}
