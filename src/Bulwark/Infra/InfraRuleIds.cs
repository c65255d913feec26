namespace Bulwark.Infra;

/// <summary>Infrastructure rule ids that code reports by name (the rest are data: <c>Rules/infra/*.yaml</c>).</summary>
public static class InfraRuleIds
{
    /// <summary>A file that does not parse, or parses only in part.</summary>
    public const string ParseError = "BW-INFRA-PARSE-ERROR";
}
