namespace Bulwark.Kernel;

/// <summary>How bad a finding is if it is real. Ordered, so thresholds compare with &gt;=.</summary>
public enum Severity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>How likely a finding is to be real.</summary>
public enum Confidence
{
    Low,
    Medium,
    High,
}

public static class SeverityParsing
{
    public static bool TryParse(string? text, out Severity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && Enum.IsDefined(severity);

    public static bool TryParse(string? text, out Confidence confidence) =>
        Enum.TryParse(text, ignoreCase: true, out confidence) && Enum.IsDefined(confidence);

    public static string ToLowerName(this Severity severity) => severity.ToString().ToLowerInvariant();

    public static string ToLowerName(this Confidence confidence) => confidence.ToString().ToLowerInvariant();
}
