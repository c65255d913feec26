using System.Runtime.CompilerServices;
using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Discovery;

/// <summary>
/// <c>bulwark discover</c> as a library call: streams each log through its format's parser, matches every host
/// against the catalog, and attributes the AI-service use it finds to users or hosts, departments and the policy's
/// verdicts. Memory grows with the number of users and services seen, never with the size of the logs.
/// </summary>
/// <param name="standardInput">Opens what the log <c>-</c> stands for; the host passes its standard input (the library never touches the console).</param>
public sealed class ShadowAiDiscovery(ServiceMatcher matcher, AiUsePolicy policy, DepartmentMap departments, TimeProvider time, Func<Stream>? standardInput = null)
{
    /// <summary>Bytes read from the start of each log to recognise its format.</summary>
    private const int SniffBytes = 16 * 1024;

    /// <param name="format">The log format for every file, or null to recognise each from its first lines.</param>
    /// <param name="progress">Bytes read so far, across the logs.</param>
    public DiscoveryReport Run(IReadOnlyList<string> logs, string? format = null, ColumnMapping? mapping = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var aggregator = new UsageAggregator();
        var files = new List<LogFileSummary>();
        // Runs on every line: optimised from the first call, since a one-core run has no spare CPU for tiered recompiling.
        LogRecordHandler handler = [MethodImpl(MethodImplOptions.AggressiveOptimization)] (ref LogRecord record) =>
        {
            var service = matcher.Match(record.Host);
            if (service >= 0) aggregator.Add(ref record, service);
        };
        long before = 0;
        foreach (var log in logs)
        {
            using var input = log == "-"
                ? LogReader.MaybeGunzip(standardInput?.Invoke() ?? throw new BulwarkInputException("'-' names standard input, which this host does not provide"))
                : LogReader.OpenMaybeGzip(log);
            using var replay = LogReader.WithHead(input, SniffBytes, out var head);
            var name = format ?? LogFormats.Sniff(head);
            var offset = before;
            var reader = new LogReader { Progress = progress is null ? null : new Progress(progress, offset) };
            var result = reader.Read(replay, LogFormats.Create(name, mapping, time), handler, cancellationToken);
            before += result.Bytes;
            files.Add(new LogFileSummary(log, result.Format, result.Lines, result.Records, result.Skipped, result.Malformed,
                result.MalformedSamples.Select(m => $"line {m.LineNumber}: {m.Reason}").ToList(), result.Bytes));
        }
        return Report(aggregator, files, time.GetElapsedTime(started));
    }

    private DiscoveryReport Report(UsageAggregator aggregator, List<LogFileSummary> files, TimeSpan elapsed)
    {
        var services = matcher.Catalog.Services;
        var identities = aggregator.Identities.Select(i => (Facts: i, Department: departments.Find(i.IsUser ? i.Name : null, i.Client))).ToList();
        var uses = aggregator.Usage
            .Select(u => (u.Identity, Use: Use(services[u.Service], u.Counter, policy.Verdict(u.Service, identities[u.Identity].Department))))
            .ToList();

        var byIdentity = uses.GroupBy(u => u.Identity)
            .Select(g => new IdentityUsage(identities[g.Key].Facts.Name, Kind(identities[g.Key].Facts), identities[g.Key].Department, identities[g.Key].Facts.Client,
                g.Select(u => u.Use).OrderByDescending(u => u.Requests).ThenBy(u => u.ServiceId, StringComparer.Ordinal).ToList()))
            .OrderByDescending(i => i.Services.Sum(s => s.Requests)).ThenBy(i => i.Identity, StringComparer.Ordinal)
            .ToList();

        var byService = uses.GroupBy(u => u.Use.ServiceId)
            .Select(g =>
            {
                var first = g.First().Use;
                var service = matcher.Catalog.Find(first.ServiceId)!;
                return new ServiceUsage(first.ServiceId, first.ServiceName, first.Vendor, first.Category, Name(policy.Verdict(service.Index)), first.Risk,
                    g.Count(), g.Sum(u => u.Use.Requests), Sum(g.Select(u => u.Use.BytesOut)),
                    g.Min(u => u.Use.FirstSeen), g.Max(u => u.Use.LastSeen));
            })
            .OrderByDescending(s => s.Requests).ThenBy(s => s.ServiceId, StringComparer.Ordinal)
            .ToList();

        // Forbidden before tolerated; then the riskier service, the more data sent, the more requests.
        var unsanctioned = uses.Where(u => u.Use.Verdict != UseVerdicts.Sanctioned)
            .OrderBy(u => u.Use.Verdict == UseVerdicts.Forbidden ? 0 : 1)
            .ThenByDescending(u => u.Use.Risk)
            .ThenByDescending(u => u.Use.BytesOut ?? 0)
            .ThenByDescending(u => u.Use.Requests)
            .ThenBy(u => identities[u.Identity].Facts.Name, StringComparer.Ordinal)
            .Select((u, i) => new UnsanctionedUse(i + 1, identities[u.Identity].Facts.Name, Kind(identities[u.Identity].Facts), identities[u.Identity].Department, u.Use))
            .ToList();

        return new DiscoveryReport(files, byIdentity, byService, unsanctioned, elapsed);
    }

    private static ServiceUse Use(GenAiService service, UsageCounter counter, AiUseVerdict verdict) => new(
        service.Id, service.Name, service.Vendor, service.Category.ToName(), Name(verdict), service.RiskScore,
        counter.Requests, counter.BytesOut, counter.BytesIn, counter.First, counter.Last);

    private static string Kind(IdentityFacts identity) => identity.IsUser ? "user" : "host";

    private static string Name(AiUseVerdict verdict) => verdict switch
    {
        AiUseVerdict.Sanctioned => UseVerdicts.Sanctioned,
        AiUseVerdict.Forbidden => UseVerdicts.Forbidden,
        _ => UseVerdicts.Tolerated,
    };

    private static long? Sum(IEnumerable<long?> values)
    {
        long? total = null;
        foreach (var value in values) if (value is { } v) total = (total ?? 0) + v;
        return total;
    }

    /// <summary>Reports bytes across several logs as one running total.</summary>
    private sealed class Progress(IProgress<long> inner, long offset) : IProgress<long>
    {
        public void Report(long value) => inner.Report(offset + value);
    }
}
