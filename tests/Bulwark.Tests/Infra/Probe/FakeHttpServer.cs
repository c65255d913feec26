using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Tests.Infra.Probe;

/// <summary>A canned HTTP answer: status, content type, extra headers and body.</summary>
internal sealed record FakeResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static FakeResponse Json(string body, int status = 200, IReadOnlyDictionary<string, string>? headers = null) => new(status, body, "application/json", headers);

    public static FakeResponse Text(string body, int status = 200, IReadOnlyDictionary<string, string>? headers = null) => new(status, body, "text/plain; charset=utf-8", headers);

    public static FakeResponse Html(string body, int status = 200, IReadOnlyDictionary<string, string>? headers = null) => new(status, body, "text/html; charset=utf-8", headers);
}

/// <summary>One request as the fake server read it.</summary>
internal sealed record FakeRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and an ephemeral port, built on <see cref="TcpListener"/> (the test project
/// has no ASP.NET): canned answers per "METHOD /path?query" (or "METHOD /path"), one response per connection, then
/// close. <see cref="Raw"/> takes over the socket instead, for servers that misbehave (trickling, huge, not HTTP).
/// </summary>
internal sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, FakeResponse> _routes = new(StringComparer.Ordinal);
    private readonly Task _accepting;

    public FakeHttpServer(string? serverHeader = null)
    {
        ServerHeader = serverHeader;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoop();
    }

    public int Port { get; }

    public string? ServerHeader { get; }

    /// <summary>The answer to any route not listed (default: FastAPI's JSON 404).</summary>
    public FakeResponse NotFound { get; set; } = FakeResponse.Json("""{"detail":"Not Found"}""", 404);

    /// <summary>Handles each connection itself (after nothing was read) when set.</summary>
    public Func<NetworkStream, CancellationToken, Task>? Raw { get; set; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public FakeHttpServer Get(string target, FakeResponse response) => On("GET", target, response);

    public FakeHttpServer Post(string target, FakeResponse response) => On("POST", target, response);

    public FakeHttpServer On(string method, string target, FakeResponse response)
    {
        _routes[$"{method} {target}"] = response;
        return this;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                if (Raw is { } raw)
                {
                    await raw(stream, _stop.Token);
                    return;
                }
                var request = await ReadRequest(stream);
                if (request is null) return;
                Requests.Enqueue(request);
                await Write(stream, Route(request));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up or the server is stopping: nothing to answer.
            }
        }
    }

    private FakeResponse Route(FakeRequest request)
    {
        if (_routes.TryGetValue($"{request.Method} {request.Target}", out var exact)) return exact;
        var query = request.Target.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0 && _routes.TryGetValue($"{request.Method} {request.Target[..query]}", out var path)) return path;
        return NotFound;
    }

    private async Task Write(NetworkStream stream, FakeResponse response)
    {
        var body = Encoding.UTF8.GetBytes(response.Body);
        var head = new StringBuilder();
        head.Append(FormattableString.Invariant($"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\n"));
        head.Append(FormattableString.Invariant($"Content-Type: {response.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n"));
        if (ServerHeader is not null) head.Append(FormattableString.Invariant($"Server: {ServerHeader}\r\n"));
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) head.Append(FormattableString.Invariant($"{name}: {value}\r\n"));
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Status",
    };

    /// <summary>Reads the request line, headers and a Content-Length body; null when the client sent nothing usable.</summary>
    public static async Task<FakeRequest?> ReadRequest(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 16 * 1024)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^4] == '\r' && buffer[^3] == '\n' && buffer[^2] == '\r' && buffer[^1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n");
        var start = lines[0].Split(' ');
        if (start.Length < 3) return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = "";
        if (headers.TryGetValue("Content-Length", out var length) && int.TryParse(length, out var count) && count > 0)
        {
            var bytes = new byte[Math.Min(count, 1024 * 1024)];
            await stream.ReadExactlyAsync(bytes);
            body = Encoding.UTF8.GetString(bytes);
        }
        return new FakeRequest(start[0], start[1], headers, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        _stop.Dispose();
    }
}
