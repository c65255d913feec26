using Bulwark.Kernel;

namespace Bulwark.Infra.Probe;

/// <summary>How hard the probe pushes. Every bound exists because the far end may be hostile or broken.</summary>
public sealed record ProbeOptions
{
    /// <summary>Whole-request limit (connect, headers and body) for each request. Default 3 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Endpoints probed at once. Default 16; requests to one endpoint are sent one after another.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Bytes of each body read; the rest is dropped with the connection. Default 64 KiB.</summary>
    public int MaxBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Failed requests (timeouts, resets) after which an endpoint that has answered before is given up. Default 2.</summary>
    public int MaxFailuresPerEndpoint { get; init; } = 2;

    public string UserAgent { get; init; } = $"Bulwark-Probe/1 (AI service fingerprinting; +{ScanReport.InformationUri})";

    public static ProbeOptions Default { get; } = new();

    /// <summary>Throws a <see cref="BulwarkInputException"/> naming the first bad value.</summary>
    public ProbeOptions Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5)) throw new BulwarkInputException("the timeout must be more than 0 and at most 300 seconds");
        if (Concurrency is < 1 or > 256) throw new BulwarkInputException("concurrency must be between 1 and 256");
        if (MaxBodyBytes is < 1024 or > 16 * 1024 * 1024) throw new BulwarkInputException("the body limit must be between 1 KiB and 16 MiB");
        if (MaxFailuresPerEndpoint < 1) throw new BulwarkInputException("at least one failure per endpoint must be allowed");
        return this;
    }
}
