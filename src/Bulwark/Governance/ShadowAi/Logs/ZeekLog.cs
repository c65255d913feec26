namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>Which Zeek log a file is: the one that names the host in <c>query</c>, <c>host</c> or <c>server_name</c>.</summary>
public enum ZeekLog
{
    /// <summary>Decided by the file's <c>#path</c> header, else by which of those fields it has.</summary>
    Auto,

    /// <summary><c>dns.log</c>: the host is <c>query</c>.</summary>
    Dns,

    /// <summary><c>http.log</c>: the host is the Host header, <c>host</c>; request and response body sizes.</summary>
    Http,

    /// <summary><c>ssl.log</c>: the host is the TLS SNI, <c>server_name</c>.</summary>
    Ssl,
}
