using System.Diagnostics;
using System.Text;

namespace Bulwark.GatewayLoad;

/// <summary>One request's outcome: when it ended and how long it took (Stopwatch ticks), and whether the answer was right.</summary>
public readonly record struct Sample(long Ended, long Elapsed, bool Ok);

/// <summary>
/// One closed-loop connection: sends the request, reads the whole answer (every streamed chunk), checks it, and
/// sends the next one at once, until told to stop. Keeps every sample; the run picks those inside its window.
/// </summary>
public sealed class LoadWorker(HttpClient client, string url, LoadTarget target, byte[] body, bool stream)
{
    private byte[] _buffer = new byte[64 * 1024];

    public List<Sample> Samples { get; } = new(capacity: 16 * 1024);

    /// <summary>The first failure, for the report: a status and the start of the body, or the exception.</summary>
    public string? FirstError { get; private set; }

    public async Task RunAsync(Func<bool> stopping)
    {
        while (!stopping()) Samples.Add(await SendOneAsync().ConfigureAwait(false));
    }

    private async Task<Sample> SendOneAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            foreach (var (name, value) in target.Headers) request.Headers.TryAddWithoutValidation(name, value);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            var length = await ReadAllAsync(response).ConfigureAwait(false);
            ok = (int)response.StatusCode == 200 && AnswerCheck.IsAnswer(_buffer.AsSpan(0, length), stream);
            if (!ok) Note($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(_buffer, 0, Math.Min(length, 300))}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Note($"{e.GetType().Name}: {e.Message}");
        }
        var ended = Stopwatch.GetTimestamp();
        return new Sample(ended, ended - started, ok);
    }

    /// <summary>Reads the body into the worker's buffer (grown when an answer is larger) and returns its length.</summary>
    private async Task<int> ReadAllAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
                var read = await stream.ReadAsync(_buffer.AsMemory(length)).ConfigureAwait(false);
                if (read == 0) return length;
                length += read;
            }
        }
    }

    private void Note(string error) => FirstError ??= error;
}
