using Bulwark.Kernel;

namespace Bulwark.Reporting;

/// <summary>How our severities map onto other tools' scales, in one place.</summary>
public static class SeverityScale
{
    /// <summary>SARIF result level.</summary>
    public static string SarifLevel(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub code scanning's <c>security-severity</c> (CVSS-like, 0.0–10.0).</summary>
    public static string SecuritySeverity(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => "1.0",
    };
}
