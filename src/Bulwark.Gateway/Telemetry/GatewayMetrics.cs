using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// The gateway's instruments, on a meter from the host's <see cref="IMeterFactory"/> (so two gateways in one process,
/// as in the tests, keep their numbers apart). Labels are bounded by configuration: routed model names, teams, rule
/// ids, status codes; never a key, a prompt, or a model name a client made up.
/// </summary>
public sealed class GatewayMetrics
{
    // The bucket boundaries the GenAI semantic conventions advise for these two histograms.
    private static readonly double[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _ruleHits;
    private readonly UpDownCounter<long> _openCircuits;
    private readonly Counter<long> _retries;
    private readonly UpDownCounter<long> _auditQueued;
    private readonly Counter<long> _auditDropped;
    private readonly UpDownCounter<long> _storesDown;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayTelemetry.Name);
        _tokens = meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Tokens used per GenAI operation, by gen_ai.token.type (input, output), as the provider reported them",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [.. TokenBuckets.Select(b => (long)b)] });
        _duration = meter.CreateHistogram("gen_ai.server.request.duration", "s", "Time the gateway took to answer a GenAI request, guards and upstream included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _requests = meter.CreateCounter<long>("bulwark.requests", "{request}", "API requests answered, by route and HTTP status");
        _verdicts = meter.CreateCounter<long>("bulwark.guard.verdicts", "{request}", "Guarded requests by the strongest enforced guard action (allow, redact, block)");
        _ruleHits = meter.CreateCounter<long>("bulwark.guard.rule_hits", "{hit}", "Rules that hit, once per request and rule, log-only hits included, with the request's verdict");
        _openCircuits = meter.CreateUpDownCounter<long>("bulwark.upstream.circuit_open", "{circuit}", "1 while an upstream's circuit breaker is open or half-open (the upstream is skipped), 0 once it closes");
        _retries = meter.CreateCounter<long>("bulwark.upstream.retries", "{attempt}", "Attempts after the first, by the upstream whose failure caused them");
        _auditQueued = meter.CreateUpDownCounter<long>("bulwark.audit.queue_depth", "{record}", "Audit records in memory, not yet committed: what a crash would lose under relaxed durability or during a database outage");
        _auditDropped = meter.CreateCounter<long>("bulwark.audit.dropped", "{record}", "Audit records dropped because the in-memory queue was full (a long database outage in open mode)");
        _storesDown = meter.CreateUpDownCounter<long>("bulwark.store.down", "{store}", "1 while a shared store (database, redis) is failing, 0 once it answers again");
    }

    /// <summary>An upstream's circuit opened (true) or closed again (false).</summary>
    public void CircuitChanged(string upstream, bool open) => _openCircuits.Add(open ? 1 : -1, new TagList { { GatewayTelemetry.Upstream, upstream } });

    /// <summary>Records joined (positive) or left (negative) the audit writer's memory.</summary>
    public void AuditQueued(int delta) => _auditQueued.Add(delta);

    public void AuditDropped() => _auditDropped.Add(1);

    /// <summary>A shared store (<c>database</c>, <c>redis</c>) started failing (true) or answered again (false).</summary>
    public void StoreChanged(string store, bool down) => _storesDown.Add(down ? 1 : -1, new TagList { { "bulwark.store", store } });

    public void Retried(string upstream) => _retries.Add(1, new TagList { { GatewayTelemetry.Upstream, upstream } });

    public void Record(RequestOutcome outcome)
    {
        var labels = new TagList { { GatewayTelemetry.HttpRoute, outcome.Route }, { GatewayTelemetry.HttpStatus, outcome.Status } };
        AddIfSet(ref labels, GatewayTelemetry.RequestModel, outcome.Model);
        AddIfSet(ref labels, GatewayTelemetry.Team, outcome.Team);
        _requests.Add(1, labels);

        if (outcome.Guarded)
        {
            var verdict = new TagList { { GatewayTelemetry.Verdict, outcome.Verdict } };
            AddIfSet(ref verdict, GatewayTelemetry.RequestModel, outcome.Model);
            AddIfSet(ref verdict, GatewayTelemetry.Team, outcome.Team);
            _verdicts.Add(1, verdict);
        }
        foreach (var rule in outcome.Rules) _ruleHits.Add(1, new TagList { { GatewayTelemetry.Rule, rule }, { GatewayTelemetry.Verdict, outcome.Verdict } });

        if (outcome.Operation is not { } operation) return;
        var genAI = new TagList { { GatewayTelemetry.OperationName, operation } };
        AddIfSet(ref genAI, GatewayTelemetry.ProviderName, outcome.Provider);
        AddIfSet(ref genAI, GatewayTelemetry.RequestModel, outcome.Model);
        var duration = genAI;
        AddIfSet(ref duration, GatewayTelemetry.ErrorType, outcome.ErrorType);
        _duration.Record(outcome.Latency.TotalSeconds, duration);

        AddIfSet(ref genAI, GatewayTelemetry.ServerAddress, outcome.ServerAddress);
        AddIfSet(ref genAI, GatewayTelemetry.Team, outcome.Team);
        RecordTokens(outcome.InputTokens, "input", genAI);
        RecordTokens(outcome.OutputTokens, "output", genAI);
    }

    private void RecordTokens(long? tokens, string type, TagList labels)
    {
        if (tokens is not { } count) return;
        labels.Add(GatewayTelemetry.TokenType, type);
        _tokens.Record(count, labels);
    }

    private static void AddIfSet(ref TagList labels, string name, string? value)
    {
        if (value is not null) labels.Add(name, value);
    }
}
