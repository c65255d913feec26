using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Infra.Probe;

/// <summary>Why a request got no HTTP answer.</summary>
internal enum FetchFailure
{
    None,
    Refused,
    Timeout,
    NotHttp,
    TlsFailed,
    NameNotResolved,
    Other,
}

internal sealed record FetchResult(ProbeResponse? Response, FetchFailure Failure)
{
    public static string Describe(FetchFailure failure) => failure switch
    {
        FetchFailure.Refused => "connection refused",
        FetchFailure.Timeout => "timed out",
        FetchFailure.NotHttp => "no HTTP answer",
        FetchFailure.TlsFailed => "TLS handshake failed",
        FetchFailure.NameNotResolved => "name not resolved",
        _ => "connection failed",
    };
}

/// <summary>
/// The probe's only way out: one request at a time under a whole-request deadline, no redirects, no proxy, no
/// cookies, no decompression, and at most <see cref="ProbeOptions.MaxBodyBytes"/> of any body read.
/// </summary>
internal sealed class BoundedHttpClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly ProbeOptions _options;

    public BoundedHttpClient(ProbeOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _client = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler CreateHandler(ProbeOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // The answer to a probe is the response itself: a redirect to a login page is evidence, not a hop to follow.
            AllowAutoRedirect = false,
            // A probe must reach the target itself, not whatever HTTP_PROXY names (and must not leak targets to it).
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            MaxResponseHeadersLength = 32,
            MaxConnectionsPerServer = 2,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
        };
        // Exposed AI services often run with self-signed certificates; the probe sends no credential and only reads,
        // so an unverified certificate risks nothing, while refusing it would hide the very services it looks for.
#pragma warning disable CA5359
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        return handler;
    }

    public async Task<FetchResult> SendAsync(Uri baseUri, ProbeRequest request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(baseUri, request.PathAndQuery));
        message.Headers.UserAgent.ParseAdd(_options.UserAgent);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        if (request.JsonBody is not null) message.Content = new StringContent(request.JsonBody, Encoding.UTF8, "application/json");
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var (body, truncated) = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
            return new FetchResult(new ProbeResponse((int)response.StatusCode, Headers(response), body, truncated), FetchFailure.None);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FetchResult(null, FetchFailure.Timeout);
        }
        catch (HttpRequestException e)
        {
            return new FetchResult(null, Classify(e));
        }
        catch (IOException)
        {
            // The body stream broke off mid-read: a reset, or a server that stopped speaking HTTP.
            return new FetchResult(null, FetchFailure.NotHttp);
        }
    }

    private async Task<(ReadOnlyMemory<byte> Body, bool Truncated)> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than the limit tells a body that fits from one that was cut.
            var limit = _options.MaxBodyBytes + 1;
            var buffer = ArrayPool<byte>.Shared.Rent(limit);
            try
            {
                var total = 0;
                while (total < limit)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(total, limit - total), cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    total += read;
                }
                var truncated = total > _options.MaxBodyBytes;
                return (buffer.AsSpan(0, truncated ? _options.MaxBodyBytes : total).ToArray(), truncated);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static Dictionary<string, string> Headers(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            var key = name.ToLowerInvariant();
            var value = string.Join(", ", values);
            headers[key] = headers.TryGetValue(key, out var earlier) ? earlier + ", " + value : value;
        }
        return headers;
    }

    private static FetchFailure Classify(HttpRequestException e)
    {
        if (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }) return FetchFailure.Refused;
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => FetchFailure.NameNotResolved,
            HttpRequestError.SecureConnectionError => FetchFailure.TlsFailed,
            HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded or HttpRequestError.HttpProtocolError => FetchFailure.NotHttp,
            _ => FetchFailure.Other,
        };
    }

    public void Dispose() => _client.Dispose();
}
