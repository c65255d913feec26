using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Reporting;

namespace Bulwark.Governance.ShadowAi.Discovery;

/// <summary>
/// <c>bulwark discover</c>'s JSON, CSV and HTML. The JSON's <c>inventory</c> lists every service seen as an AI
/// system discovered in network logs, in the shape the governance inventory merges with the declared systems.
/// </summary>
public static class DiscoveryReportWriter
{
    public static void WriteJson(DiscoveryReport report, Stream output, string toolVersion)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "bulwark discover");
        json.WriteString("version", toolVersion);
        json.WriteStartObject("summary");
        json.WriteNumber("bytes", report.Bytes);
        json.WriteNumber("lines", report.Lines);
        json.WriteNumber("malformedLines", report.Malformed);
        json.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        json.WriteNumber("services", report.Services.Count);
        json.WriteNumber("identities", report.Identities.Count);
        json.WriteNumber("unsanctionedUses", report.Unsanctioned.Count);
        json.WriteNumber("forbiddenUses", report.Unsanctioned.Count(u => u.Use.Verdict == UseVerdicts.Forbidden));
        json.WriteEndObject();

        json.WriteStartArray("files");
        foreach (var file in report.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("format", file.Format);
            json.WriteNumber("bytes", file.Bytes);
            json.WriteNumber("lines", file.Lines);
            json.WriteNumber("records", file.Records);
            json.WriteNumber("skipped", file.Skipped);
            json.WriteNumber("malformed", file.Malformed);
            json.WriteStringArray("malformedExamples", file.MalformedExamples);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("unsanctioned");
        foreach (var use in report.Unsanctioned)
        {
            json.WriteStartObject();
            json.WriteNumber("rank", use.Rank);
            json.WriteString("identity", use.Identity);
            json.WriteString("kind", use.Kind);
            json.WriteString("department", use.Department);
            WriteUse(json, use.Use);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("identities");
        foreach (var identity in report.Identities)
        {
            json.WriteStartObject();
            json.WriteString("identity", identity.Identity);
            json.WriteString("kind", identity.Kind);
            json.WriteString("department", identity.Department);
            json.WriteString("client", identity.Client);
            json.WriteStartArray("services");
            foreach (var use in identity.Services)
            {
                json.WriteStartObject();
                WriteUse(json, use);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("services");
        foreach (var service in report.Services)
        {
            json.WriteStartObject();
            WriteService(json, service);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        // Discovered systems for the governance inventory (bulwark gov inventory merges them with the declared ones).
        json.WriteStartArray("inventory");
        foreach (var service in report.Services)
        {
            json.WriteStartObject();
            json.WriteString("name", service.Name);
            json.WriteString("service", service.ServiceId);
            json.WriteString("provider", service.Vendor);
            json.WriteString("category", service.Category);
            json.WriteString("source", "network-logs");
            json.WriteBoolean("sanctioned", service.Verdict == UseVerdicts.Sanctioned);
            json.WriteNumber("users", service.Identities);
            WriteTime(json, "firstSeen", service.FirstSeen);
            WriteTime(json, "lastSeen", service.LastSeen);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One row per user or host and service, for spreadsheets and SIEM imports.</summary>
    public static void WriteCsv(DiscoveryReport report, TextWriter output)
    {
        output.WriteLine("identity,kind,department,client,service,service_name,vendor,category,verdict,risk,requests,bytes_out,bytes_in,first_seen,last_seen");
        foreach (var identity in report.Identities)
        {
            foreach (var use in identity.Services)
            {
                output.WriteLine(string.Join(',',
                    Csv(identity.Identity), identity.Kind, Csv(identity.Department ?? ""), Csv(identity.Client ?? ""),
                    use.ServiceId, Csv(use.ServiceName), Csv(use.Vendor), use.Category, use.Verdict,
                    use.Risk.ToString("0.0", CultureInfo.InvariantCulture), use.Requests.ToString(CultureInfo.InvariantCulture),
                    use.BytesOut?.ToString(CultureInfo.InvariantCulture) ?? "", use.BytesIn?.ToString(CultureInfo.InvariantCulture) ?? "",
                    Time(use.FirstSeen), Time(use.LastSeen)));
            }
        }
    }

    /// <summary>A self-contained page (inline CSS, no scripts): the ranked unsanctioned use, then services and people.</summary>
    public static void WriteHtml(DiscoveryReport report, TextWriter output)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bulwark shadow-AI discovery</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;color:#1b1f24}table{border-collapse:collapse;margin:1em 0;width:100%}")
            .Append("th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}th{background:#f6f8fa}.forbidden{color:#b00020;font-weight:600}")
            .Append(".tolerated{color:#9a6700}.sanctioned{color:#1a7f37}.num{text-align:right}.bar{background:#cf222e;height:10px}")
            .Append("</style></head><body><h1>Shadow-AI discovery</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{report.Files.Count} log file(s), {report.Lines:N0} lines ({report.Malformed:N0} malformed), ")
            .Append(CultureInfo.InvariantCulture, $"{report.Services.Count} AI services used by {report.Identities.Count} users or hosts; ")
            .Append(CultureInfo.InvariantCulture, $"{report.Unsanctioned.Count} unsanctioned uses.</p>");

        html.Append("<h2>Unsanctioned use, ranked by risk</h2><table><tr><th>#</th><th>User or host</th><th>Department</th><th>Service</th><th>Category</th><th>Verdict</th><th>Risk</th><th>Requests</th><th>Bytes sent</th><th>Last seen</th></tr>");
        foreach (var u in report.Unsanctioned)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"num\">{u.Rank}</td><td>{E(u.Identity)}</td><td>{E(u.Department ?? "")}</td><td>{E(u.Use.ServiceName)}</td><td>{E(u.Use.Category)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"{u.Use.Verdict}\">{u.Use.Verdict}</td><td class=\"num\">{u.Use.Risk:0.0}</td><td class=\"num\">{u.Use.Requests:N0}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{Bytes(u.Use.BytesOut)}</td><td>{E(Time(u.Use.LastSeen))}</td></tr>");
        }
        html.Append("</table>");

        var most = Math.Max(1, report.Services.Count == 0 ? 1 : report.Services.Max(s => s.Requests));
        html.Append("<h2>Services</h2><table><tr><th>Service</th><th>Vendor</th><th>Category</th><th>Policy</th><th>Users or hosts</th><th>Requests</th><th></th><th>Bytes sent</th></tr>");
        foreach (var s in report.Services)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Name)}</td><td>{E(s.Vendor)}</td><td>{E(s.Category)}</td><td class=\"{s.Verdict}\">{s.Verdict}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{s.Identities:N0}</td><td class=\"num\">{s.Requests:N0}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td style=\"width:20%\"><div class=\"bar\" style=\"width:{100.0 * s.Requests / most:0.#}%\"></div></td><td class=\"num\">{Bytes(s.BytesOut)}</td></tr>");
        }
        html.Append("</table>");

        html.Append("<h2>Log files</h2><table><tr><th>File</th><th>Format</th><th>Lines</th><th>Malformed</th><th>Examples of malformed lines</th></tr>");
        foreach (var f in report.Files)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(f.Path)}</td><td>{E(f.Format)}</td><td class=\"num\">{f.Lines:N0}</td><td class=\"num\">{f.Malformed:N0}</td><td>{E(string.Join("; ", f.MalformedExamples))}</td></tr>");
        html.Append("</table></body></html>");
        output.Write(html.ToString());
    }

    private static void WriteUse(Utf8JsonWriter json, ServiceUse use)
    {
        json.WriteString("service", use.ServiceId);
        json.WriteString("name", use.ServiceName);
        json.WriteString("vendor", use.Vendor);
        json.WriteString("category", use.Category);
        json.WriteString("verdict", use.Verdict);
        json.WriteNumber("risk", Math.Round(use.Risk, 2));
        json.WriteNumber("requests", use.Requests);
        WriteNullable(json, "bytesOut", use.BytesOut);
        WriteNullable(json, "bytesIn", use.BytesIn);
        WriteTime(json, "firstSeen", use.FirstSeen);
        WriteTime(json, "lastSeen", use.LastSeen);
    }

    private static void WriteService(Utf8JsonWriter json, ServiceUsage service)
    {
        json.WriteString("service", service.ServiceId);
        json.WriteString("name", service.Name);
        json.WriteString("vendor", service.Vendor);
        json.WriteString("category", service.Category);
        json.WriteString("verdict", service.Verdict);
        json.WriteNumber("risk", Math.Round(service.Risk, 2));
        json.WriteNumber("identities", service.Identities);
        json.WriteNumber("requests", service.Requests);
        WriteNullable(json, "bytesOut", service.BytesOut);
        WriteTime(json, "firstSeen", service.FirstSeen);
        WriteTime(json, "lastSeen", service.LastSeen);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteNumber(name, value.Value);
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value.Value.ToString("O", CultureInfo.InvariantCulture));
    }

    private static string Time(DateTimeOffset? value) => value?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Bytes(long? value) => value is null ? "—" : value.Value.ToString("N0", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>RFC 4180 quoting, and a leading apostrophe against spreadsheet formula injection from log-controlled text.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
