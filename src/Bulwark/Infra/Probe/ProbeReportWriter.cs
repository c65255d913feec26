using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Reporting;

namespace Bulwark.Infra.Probe;

/// <summary>
/// The JSON report of <c>bulwark infra probe --format json</c>: every endpoint with its state, service, version,
/// authentication and evidence; the findings in the scan report's shape; and a summary (docs/infra-probe.md).
/// Relaxed escaping keeps quotes and arrows readable; the report is a JSON file, never embedded in a page.
/// </summary>
public static class ProbeReportWriter
{
    public static void WriteJson(IReadOnlyList<EndpointResult> results, IReadOnlyList<Finding> findings, string toolVersion, Stream output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(findings);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("tool", ScanReport.ToolName);
        json.WriteString("version", toolVersion);
        json.WriteStartArray("endpoints");
        foreach (var result in results) WriteEndpoint(json, result);
        json.WriteEndArray();
        json.WriteStartArray("findings");
        foreach (var finding in findings) JsonReportWriter.WriteFinding(json, finding);
        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("endpoints", results.Count);
        json.WriteNumber("identified", results.Count(r => r.State == EndpointState.Identified));
        json.WriteNumber("otherHttp", results.Count(r => r.State == EndpointState.Http));
        json.WriteNumber("noAnswer", results.Count(r => r.State == EndpointState.NoAnswer));
        json.WriteNumber("closed", results.Count(r => r.State == EndpointState.Closed));
        json.WriteNumber("unauthenticated", results.Count(r => r.IsUnauthenticatedService));
        json.WriteNumber("authenticationRequired", results.Count(r => r.State == EndpointState.Identified && r.Authentication == AuthenticationState.Required));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEndpoint(Utf8JsonWriter json, EndpointResult result)
    {
        json.WriteStartObject();
        json.WriteString("host", result.Target.Host);
        json.WriteNumber("port", result.Target.Port);
        json.WriteString("url", result.Url);
        json.WriteString("state", EndpointResult.StateName(result.State));
        if (result.Detail is { } detail) json.WriteString("detail", detail);
        if (result.Service is { } service)
        {
            json.WriteString("service", service.Id);
            json.WriteString("name", service.Name);
            json.WriteString("authentication", EndpointResult.AuthenticationName(result.Authentication));
        }
        if (result.Version is { } version) json.WriteString("version", version);
        json.WriteNumber("requests", result.Requests);
        json.WriteStartArray("evidence");
        foreach (var evidence in result.Evidence)
        {
            json.WriteStartObject();
            json.WriteString("request", evidence.Request);
            if (evidence.Status is { } status) json.WriteNumber("status", status);
            json.WriteString("note", evidence.Note);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
