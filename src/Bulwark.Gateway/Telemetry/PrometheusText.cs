using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Telemetry;

/// <summary>The Prometheus text format's names, labels, numbers and escaping.</summary>
internal static class PrometheusText
{
    // OpenTelemetry's unit-to-suffix table for the units Bulwark's instruments (and common .NET ones) use.
    private static readonly Dictionary<string, string> UnitSuffixes = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["By"] = "bytes",
    };

    /// <summary><c>gen_ai.server.request.duration</c> with unit <c>s</c> → <c>gen_ai_server_request_duration_seconds</c>.</summary>
    public static string MetricName(string name, string? unit)
    {
        var sanitized = Sanitize(name, allowColon: true);
        if (unit is not null && UnitSuffixes.TryGetValue(unit, out var suffix) && !sanitized.EndsWith("_" + suffix, StringComparison.Ordinal)) sanitized += "_" + suffix;
        return sanitized;
    }

    /// <summary>
    /// A label set as <c>a="x",b="y"</c>, sorted by name (so equal sets are one series whatever the order they were
    /// given in); labels without a value are left out.
    /// </summary>
    public static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var pairs = new List<(string Name, string Value)>(tags.Length);
        foreach (var tag in tags)
        {
            if (tag.Value is null) continue;
            pairs.Add((Sanitize(tag.Key, allowColon: false), Value(tag.Value)));
        }
        pairs.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(name).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
        }
        return text.ToString();
    }

    public static string Braced(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Value(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Metric names are <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>, label names the same without colons.</summary>
    private static string Sanitize(string name, bool allowColon)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name) text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        if (text.Length == 0 || char.IsAsciiDigit(text[0])) text.Insert(0, '_');
        return text.ToString();
    }
}
