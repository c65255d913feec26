using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace Bulwark.Gateway.Tests.Scale;

/// <summary>
/// A closed-loop load over several gateway instances that keeps, client-side, the id (<c>x-request-id</c>) of every
/// request whose answer arrived in full with 200: the set a crash must not lose audit records of.
/// </summary>
public sealed class CompletedRequests(IReadOnlyList<HttpClient> instances)
{
    private readonly ConcurrentQueue<string> _completed = new();
    private readonly int[] _completedBy = new int[instances.Count];
    private readonly int[] _failedBy = new int[instances.Count];

    public IReadOnlyCollection<string> CompletedIds => _completed;

    public int CompletedBy(int instance) => Volatile.Read(ref _completedBy[instance]);

    public int FailedBy(int instance) => Volatile.Read(ref _failedBy[instance]);

    /// <param name="stop">Ends the load before <paramref name="duration"/> is over.</param>
    public async Task RunAsync(int workers, TimeSpan duration, CancellationToken stop = default)
    {
        var until = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            for (var i = 0; DateTime.UtcNow < until && !stop.IsCancellationRequested; i++)
            {
                var instance = (worker + i) % instances.Count;
                try
                {
                    using var response = await instances[instance].PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"load {worker}-{i}"));
                    // The whole body: only then has the client seen the request complete.
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK && body.Contains("You said", StringComparison.Ordinal))
                    {
                        _completed.Enqueue(response.Headers.GetValues("x-request-id").Single());
                        Interlocked.Increment(ref _completedBy[instance]);
                        continue;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                }
                Interlocked.Increment(ref _failedBy[instance]);
            }
        }));
    }
}
