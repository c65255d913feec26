namespace Bulwark.Governance.ShadowAi.Discovery;

/// <summary>What <c>bulwark discover</c> found: per log file, per user or host, per service, and the unsanctioned use ranked by risk.</summary>
public sealed record DiscoveryReport(
    IReadOnlyList<LogFileSummary> Files,
    IReadOnlyList<IdentityUsage> Identities,
    IReadOnlyList<ServiceUsage> Services,
    IReadOnlyList<UnsanctionedUse> Unsanctioned,
    TimeSpan Elapsed)
{
    public long Bytes => Files.Sum(f => f.Bytes);

    public long Lines => Files.Sum(f => f.Lines);

    public long Malformed => Files.Sum(f => f.Malformed);

    /// <summary>Whether any use is forbidden by the policy: the command's exit code 1.</summary>
    public bool HasForbiddenUse => Unsanctioned.Any(u => u.Use.Verdict == UseVerdicts.Forbidden);
}

/// <summary>One log file: its format and what its lines held. Malformed lines are counted, with a few examples.</summary>
public sealed record LogFileSummary(string Path, string Format, long Lines, long Records, long Skipped, long Malformed, IReadOnlyList<string> MalformedExamples, long Bytes);

/// <summary>One service as one user or host used it.</summary>
public sealed record ServiceUse(
    string ServiceId,
    string ServiceName,
    string Vendor,
    string Category,
    string Verdict,
    double Risk,
    long Requests,
    long? BytesOut,
    long? BytesIn,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen);

/// <summary>A user (when the log names one) or a client host, with its department and the services it used.</summary>
public sealed record IdentityUsage(string Identity, string Kind, string? Department, string? Client, IReadOnlyList<ServiceUse> Services);

/// <summary>One service across everyone: how many users or hosts, requests and bytes, and the policy's default verdict.</summary>
public sealed record ServiceUsage(
    string ServiceId,
    string Name,
    string Vendor,
    string Category,
    string Verdict,
    double Risk,
    int Identities,
    long Requests,
    long? BytesOut,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen);

/// <summary>A use the policy does not sanction, ranked: forbidden before tolerated, then by risk, bytes sent and requests.</summary>
public sealed record UnsanctionedUse(int Rank, string Identity, string Kind, string? Department, ServiceUse Use);

/// <summary>The policy verdicts as reports write them.</summary>
public static class UseVerdicts
{
    public const string Sanctioned = "sanctioned";
    public const string Tolerated = "tolerated";
    public const string Forbidden = "forbidden";
}
