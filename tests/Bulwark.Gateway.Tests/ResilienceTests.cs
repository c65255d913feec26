using System.Net;
using System.Net.Http.Json;
using Bulwark.Gateway.Audit;
using Bulwark.Samples.MockUpstream;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// Routes with fallbacks in front of upstreams that fail in each retryable way. The failing upstreams are the mock
/// with a fault marker in their upstream-model (so the fallback, the same mock without it, answers), or a closed port.
/// Each scenario has upstreams of its own, so one test's failures do not open another's circuit.
/// </summary>
public sealed class ResilienceFixture : GatewayFixture
{
    public const string ClosedPort = "http://127.0.0.1:9/v1";

    protected override string Configure(string yaml) => yaml
        .Replace("upstreams:\n", $"""
            upstreams:
              - {"{"} name: down, kind: openai-compatible, base-url: "{ClosedPort}" {"}"}
              - {"{"} name: backup, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: sick, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: limited, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: resetting, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: stalling, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: failing, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}

            """, StringComparison.Ordinal)
        .Replace("models:\n", $"""
            models:
              - {"{"} name: refused, upstream: down, upstream-model: {MockUpstreamServer.ModelName}, fallbacks: [{"{"} upstream: backup {"}"}] {"}"}
              - {"{"} name: unavailable, upstream: sick, upstream-model: "mock-model [unavailable]", fallbacks: [{"{"} upstream: backup, upstream-model: {MockUpstreamServer.ModelName} {"}"}] {"}"}
              - {"{"} name: rate-limited, upstream: limited, upstream-model: "mock-model [rate-limited]", fallbacks: [{"{"} upstream: backup, upstream-model: {MockUpstreamServer.ModelName} {"}"}] {"}"}
              - {"{"} name: reset, upstream: resetting, upstream-model: "mock-model [reset]", fallbacks: [{"{"} upstream: backup, upstream-model: {MockUpstreamServer.ModelName} {"}"}] {"}"}
              - {"{"} name: stalled, upstream: stalling, upstream-model: "mock-model [stall]", fallbacks: [{"{"} upstream: backup, upstream-model: {MockUpstreamServer.ModelName} {"}"}] {"}"}
              - {"{"} name: server-error, upstream: failing, upstream-model: {MockUpstreamServer.ModelName}, fallbacks: [{"{"} upstream: backup {"}"}] {"}"}
              - {"{"} name: with-backup, upstream: mock, upstream-model: {MockUpstreamServer.ModelName}, fallbacks: [{"{"} upstream: backup {"}"}] {"}"}

            """, StringComparison.Ordinal);
}

/// <summary>Retries and fallbacks: what is retried, where it goes, what the client and the audit see.</summary>
public sealed class ResilienceTests(ResilienceFixture gateway) : IClassFixture<ResilienceFixture>
{
    [Fact]
    public async Task A_refused_connection_falls_back_to_the_next_upstream()
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"hello {marker}", model: "refused"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("backup", (await AuditOfAsync(marker)).Upstream); // the audit names the upstream that answered
    }

    [Theory]
    [InlineData("unavailable")] // 503
    [InlineData("rate-limited")] // 429: another upstream may not be limiting us
    [InlineData("reset")] // the connection drops before any header
    public async Task A_retryable_failure_falls_back_and_the_answer_is_still_guarded(string model)
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"the token please {marker} [leak]", model: model));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(MockUpstreamServer.LeakedToken[..8], text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:BW-DATA-SECRET-", text, StringComparison.Ordinal);
        Assert.Equal(2, Hits(marker)); // the failing upstream once, the fallback once
        Assert.Equal("backup", (await AuditOfAsync(marker)).Upstream);
    }

    [Fact]
    public async Task No_response_headers_in_time_falls_back_without_waiting_again_on_the_same_upstream()
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"hello {marker}", model: "stalled"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Hits(marker));
        Assert.Equal("backup", (await AuditOfAsync(marker)).Upstream);
    }

    [Fact]
    public async Task A_500_is_not_retried()
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"please [fail] {marker}", model: "server-error"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", await RobustnessTests.CodeAsync(response));
        Assert.Equal(1, Hits(marker));
    }

    [Fact]
    public async Task A_reset_without_a_fallback_is_retried_on_the_same_upstream_then_502()
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"hello {marker} [reset]"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unavailable", await RobustnessTests.CodeAsync(response));
        Assert.Equal(2, Hits(marker)); // resilience.retries: 1 (the default)
        var record = await AuditOfAsync(marker);
        Assert.Equal((502, "upstream_unavailable", "mock"), (record.Status, record.Error, record.Upstream));
    }

    [Fact]
    public async Task Nothing_is_retried_once_the_answer_has_started_reaching_the_client()
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"the token please {marker} [leak] [reset-mid]", stream: true, model: "with-backup"));
        var sse = await Sse.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream_failed", (string?)sse.Error?["code"]);
        Assert.True(sse.EndsWithDone);
        Assert.DoesNotContain(MockUpstreamServer.LeakedToken[..8], sse.Raw, StringComparison.Ordinal);
        Assert.Equal(1, Hits(marker)); // the fallback was not asked: the client already had a 200 and the stream's start
    }

    private int Hits(string marker) => gateway.Upstream.Received.Count(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));

    private async Task<AuditRecord> AuditOfAsync(string marker) =>
        Assert.Single(await gateway.AuditAsync(), r => r.Excerpt?.Contains(marker, StringComparison.Ordinal) == true);
}

/// <summary>An upstream that fails everything, retried under a small budget and a circuit breaker that never opens.</summary>
public sealed class RetryBudgetFixture : GatewayFixture
{
    protected override string Configure(string yaml) => yaml
        .Replace("upstreams:\n", $"upstreams:\n  - {{ name: sick, kind: openai-compatible, base-url: \"{Upstream.BaseUrl}\" }}\n", StringComparison.Ordinal)
        .Replace("models:\n", "models:\n  - { name: always-unavailable, upstream: sick, upstream-model: \"mock-model [unavailable]\" }\n", StringComparison.Ordinal)
        + "\nresilience:\n  retries: 1\n  retry-budget: 20%\n  circuit-breaker: { failures: 1000, open-for: 1s }\n";
}

public sealed class ResilienceBudgetTests(RetryBudgetFixture gateway) : IClassFixture<RetryBudgetFixture>
{
    [Fact]
    public async Task Retries_under_a_failing_upstream_stay_within_the_budget()
    {
        var marker = TestMarker.New();
        const int requests = 20;
        for (var i = 0; i < requests; i++)
        {
            var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"hello {marker}", model: "always-unavailable"));
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("upstream_error", await RobustnessTests.CodeAsync(response));
        }
        var hits = gateway.Upstream.Received.Count(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));
        // Without a budget every request would be sent twice (40). With it: the floor of 3 retries, plus 20% of 20.
        Assert.InRange(hits, requests + 1, requests + Proxy.RetryBudget.MinRetries + (int)(0.2 * requests));
    }
}

/// <summary>Circuits that open after 3 consecutive failures, for one second; no retries, so each failure is one hit.</summary>
public sealed class CircuitBreakerFixture : GatewayFixture
{
    protected override string Configure(string yaml) => yaml
        .Replace("upstreams:\n", $"""
            upstreams:
              - {"{"} name: fragile, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: fragile2, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}
              - {"{"} name: backup, kind: openai-compatible, base-url: "{Upstream.BaseUrl}" {"}"}

            """, StringComparison.Ordinal)
        .Replace("models:\n", $"""
            models:
              - {"{"} name: fragile, upstream: fragile, upstream-model: {MockUpstreamServer.ModelName} {"}"}
              - {"{"} name: fragile-with-backup, upstream: fragile2, upstream-model: {MockUpstreamServer.ModelName}, fallbacks: [{"{"} upstream: backup {"}"}] {"}"}

            """, StringComparison.Ordinal)
        + "\nresilience:\n  retries: 0\n  circuit-breaker: { failures: 3, open-for: 1s }\n";
}

public sealed class ResilienceCircuitTests(CircuitBreakerFixture gateway) : IClassFixture<CircuitBreakerFixture>
{
    [Fact]
    public async Task A_circuit_opens_after_consecutive_failures_and_closes_after_a_successful_probe()
    {
        var marker = TestMarker.New();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadGateway, (await ChatAsync($"[fail] {marker}", "fragile")).StatusCode);

        // Open: the upstream is not asked; the client is told when to come back.
        var skipped = await ChatAsync($"hello {marker}", "fragile");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, skipped.StatusCode);
        Assert.Equal("upstream_unavailable", await RobustnessTests.CodeAsync(skipped));
        Assert.NotNull(skipped.Headers.RetryAfter?.Delta);
        Assert.Equal(3, Hits(marker));
        Assert.Contains("bulwark_upstream_circuit_open{bulwark_upstream=\"fragile\"} 1", await MetricsAsync(), StringComparison.Ordinal);

        // After open-for, one probe goes; its success closes the circuit.
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync($"hello {marker}", "fragile")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await ChatAsync($"[fail] {marker}", "fragile")).StatusCode); // closed: one failure is not enough
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync($"hello {marker}", "fragile")).StatusCode);
        Assert.Equal(6, Hits(marker));
        Assert.Contains("bulwark_upstream_circuit_open{bulwark_upstream=\"fragile\"} 0", await MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_circuit_sends_requests_straight_to_the_fallback()
    {
        var marker = TestMarker.New();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.BadGateway, (await ChatAsync($"[fail] {marker}", "fragile-with-backup")).StatusCode);
        var response = await ChatAsync($"hello {marker} again", "fragile-with-backup");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = await gateway.AuditAsync();
        Assert.Equal("backup", Assert.Single(records, r => r.Excerpt?.Contains($"{marker} again", StringComparison.Ordinal) == true).Upstream);
        Assert.Equal(4, gateway.Upstream.Received.Count(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal)));
    }

    private Task<HttpResponseMessage> ChatAsync(string prompt, string model) => gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat(prompt, model: model));

    private int Hits(string marker) => gateway.Upstream.Received.Count(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));

    private async Task<string> MetricsAsync() => await gateway.Client(null).GetStringAsync("/metrics");
}

public sealed class ResilienceConfigTests
{
    [Fact]
    public void Resilience_settings_and_fallbacks_are_read_and_checked()
    {
        var options = Parse("""
            upstreams: [{ name: a, kind: openai-compatible, base-url: "http://127.0.0.1:1/v1" }, { name: b, kind: openai-compatible, base-url: "http://127.0.0.1:2/v1" }]
            models: [{ name: m, upstream: a, upstream-model: x, fallbacks: [{ upstream: b }, { upstream: b, upstream-model: y }] }]
            resilience: { retries: 2, retry-budget: 10%, circuit-breaker: { failures: 3, open-for: 500ms } }
            """);
        Assert.Equal([new("a", "x"), new("b", "x"), new("b", "y")], options.Routes["m"].Targets);
        Assert.Equal(new Configuration.ResilienceOptions(2, 0.1, new Configuration.CircuitBreakerOptions(3, TimeSpan.FromMilliseconds(500))), options.Resilience);
        Assert.Equal(Configuration.ResilienceOptions.Default, Parse("""
            upstreams: [{ name: a, kind: openai-compatible, base-url: "http://127.0.0.1:1/v1" }]
            models: [{ name: m, upstream: a }]
            """).Resilience);

        var error = Assert.Throws<Kernel.BulwarkInputException>(() => Parse("""
            upstreams: [{ name: a, kind: openai-compatible, base-url: "http://127.0.0.1:1/v1" }]
            models: [{ name: m, upstream: a, fallbacks: [{ upstream: nowhere }] }]
            resilience: { retries: 9, retry-budget: "0.2", circuit-breaker: { failures: 0, open-for: soon } }
            """)).Message;
        Assert.Contains("models[0].fallbacks[0].upstream: must name an upstream", error, StringComparison.Ordinal);
        Assert.Contains("resilience.retries: must be between 0 and 5", error, StringComparison.Ordinal);
        Assert.Contains("resilience.retry-budget: must be a percentage", error, StringComparison.Ordinal);
        Assert.Contains("resilience.circuit-breaker.failures: must be at least 1", error, StringComparison.Ordinal);
        Assert.Contains("resilience.circuit-breaker.open-for: must be a duration", error, StringComparison.Ordinal);
    }

    private static Configuration.GatewayOptions Parse(string yaml) => Configuration.GatewayConfigLoader.Parse(yaml, "test.yaml", Path.GetTempPath(), _ => null);
}
