using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bulwark.Reporting;

namespace Bulwark.Governance.Inventory;

/// <summary><c>bulwark gov inventory</c>'s JSON, Markdown and HTML (self-contained: inline CSS, no scripts or external assets).</summary>
public static class InventoryReportWriter
{
    /// <summary>One line: what the report found.</summary>
    public static string Verdict(InventoryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var undeclared = report.Undeclared.Count();
        var declared = report.DeclaredAndSeen.Count();
        var missing = report.NotObserved.Count();
        var head = undeclared == 0 ? "No undeclared AI use" : $"{undeclared} undeclared AI use{(undeclared == 1 ? "" : "s")}";
        return string.Create(CultureInfo.InvariantCulture, $"{head}; {declared} declared system(s) seen, {missing} declared but not observed");
    }

    public static string SourceName(DiscoverySource source) => source switch
    {
        DiscoverySource.ModelFile => "model-file",
        DiscoverySource.CodeSdk => "code-sdk",
        DiscoverySource.CodeEndpoint => "code-endpoint",
        DiscoverySource.ShadowAi => "shadow-ai",
        DiscoverySource.GatewayModel => "gateway-model",
        DiscoverySource.ProviderKey => "provider-key",
        _ => source.ToString(),
    };

    public static string StatusName(InventoryStatus status) => status switch
    {
        InventoryStatus.Declared => "declared",
        InventoryStatus.Undeclared => "undeclared",
        InventoryStatus.NotObserved => "not-observed",
        _ => status.ToString(),
    };

    /// <summary>Where a use was seen: <c>file:line</c>, <c>file</c>, or empty.</summary>
    public static string Where(DiscoveredAiUse use)
    {
        ArgumentNullException.ThrowIfNull(use);
        return use.File is null ? "" : use.Line is { } line ? string.Create(CultureInfo.InvariantCulture, $"{use.File}:{line}") : use.File;
    }

    public static void WriteJson(InventoryReport report, Stream output, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("tool", "bulwark gov inventory");
        json.WriteString("version", toolVersion);
        if (report.InventoryPath is null) json.WriteNull("inventory");
        else json.WriteString("inventory", report.InventoryPath);
        json.WriteStartObject("summary");
        json.WriteNumber("declared", report.DeclaredAndSeen.Count());
        json.WriteNumber("undeclared", report.Undeclared.Count());
        json.WriteNumber("notObserved", report.NotObserved.Count());
        json.WriteNumber("uses", report.Entries.Sum(e => e.Discovered.Count));
        json.WriteEndObject();
        json.WriteStartArray("entries");
        foreach (var entry in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", entry.Name);
            json.WriteString("status", StatusName(entry.Status));
            if (entry.Declared is { } system) WriteSystem(json, system);
            else json.WriteNull("system");
            json.WriteStartArray("discovered");
            foreach (var use in entry.Discovered)
            {
                json.WriteStartObject();
                json.WriteString("source", SourceName(use.Source));
                json.WriteString("name", use.Name);
                json.WriteString("provider", use.Provider);
                json.WriteString("evidence", use.Evidence);
                json.WriteString("file", use.File);
                if (use.Line is { } line) json.WriteNumber("line", line);
                else json.WriteNull("line");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteMarkdown(InventoryReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("# AI inventory");
        output.WriteLine();
        output.WriteLine(report.InventoryPath is null ? "No inventory file: every discovered use is undeclared." : $"Inventory: `{report.InventoryPath}`");
        output.WriteLine();
        output.WriteLine($"**{Verdict(report)}.**");
        output.WriteLine();
        output.WriteLine("| Status | System or provider | Risk tier | Owner | Uses | Where |");
        output.WriteLine("|---|---|---|---|---:|---|");
        foreach (var entry in report.Entries)
        {
            var status = entry.Status == InventoryStatus.Undeclared ? "**UNDECLARED**" : StatusName(entry.Status);
            var name = entry.Declared is { } s ? $"{Md(entry.Name)} (`{Md(s.Id)}`)" : $"**{Md(entry.Name)}**";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {status} | {name} | {Md(Tier(entry))} | {Md(entry.Declared?.Owner ?? "")} | {entry.Discovered.Count} | {Md(Places(entry))} |"));
        }
        foreach (var entry in report.Entries.Where(e => e.Discovered.Count > 0))
        {
            output.WriteLine();
            output.WriteLine($"## {Md(entry.Name)} ({StatusName(entry.Status)})");
            output.WriteLine();
            output.WriteLine("| Source | Name | Provider | Where | Evidence |");
            output.WriteLine("|---|---|---|---|---|");
            foreach (var use in entry.Discovered)
                output.WriteLine($"| {SourceName(use.Source)} | {Md(use.Name)} | {Md(use.Provider ?? "")} | {Md(Where(use))} | `{use.Evidence.Replace('`', '\'').Replace("|", "\\|", StringComparison.Ordinal)}` |");
        }
    }

    public static void WriteHtml(InventoryReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bulwark AI inventory</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;color:#1b1f24}table{border-collapse:collapse;margin:1em 0;width:100%}")
            .Append("th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}")
            .Append("tr.undeclared td{background:#ffebe9}tr.undeclared td.status{color:#b00020;font-weight:700}.declared{color:#1a7f37}")
            .Append(".not-observed{color:#9a6700}.num{text-align:right}code{font-size:12px}ul{margin:0;padding-left:1.2em}")
            .Append("</style></head><body><h1>AI inventory</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{E(report.InventoryPath is null ? "No inventory file: every discovered use is undeclared." : "Inventory: " + report.InventoryPath)}</p>")
            .Append(CultureInfo.InvariantCulture, $"<p><strong>{E(Verdict(report))}.</strong></p>");
        html.Append("<table><tr><th>Status</th><th>System or provider</th><th>Risk tier</th><th>Owner</th><th>Purpose</th><th>Uses</th><th>Evidence</th></tr>");
        foreach (var entry in report.Entries)
        {
            var status = StatusName(entry.Status);
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{status}\"><td class=\"status {status}\">{(entry.Status == InventoryStatus.Undeclared ? "UNDECLARED" : status)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(entry.Name)}{(entry.Declared is { } s ? $" <code>{E(s.Id)}</code>" : "")}</td><td>{E(Tier(entry))}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(entry.Declared?.Owner ?? "")}</td><td>{E(entry.Declared?.Purpose ?? "")}</td><td class=\"num\">{entry.Discovered.Count}</td><td><ul>");
            foreach (var use in entry.Discovered)
                html.Append(CultureInfo.InvariantCulture, $"<li>{SourceName(use.Source)}: <code>{E(use.Evidence)}</code>{(use.File is null ? "" : " — " + E(Where(use)))}</li>");
            html.Append("</ul></td></tr>");
        }
        html.Append("</table></body></html>");
        output.Write(html.ToString());
    }

    /// <summary>The tier as written in the file, with the Annex III area for high-risk systems.</summary>
    public static string Tier(InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Declared is not { } system) return "";
        var tier = AiInventoryReader.TierName(system.RiskTier);
        return system.AnnexIiiArea is null ? tier : $"{tier} ({system.AnnexIiiArea})";
    }

    /// <summary>The distinct files an entry's uses were seen in, with a count when there are many.</summary>
    public static string Places(InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var files = entry.Discovered.Select(u => u.File).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return files.Count <= 4 ? string.Join(", ", files) : string.Join(", ", files.Take(3)) + string.Create(CultureInfo.InvariantCulture, $" and {files.Count - 3} more");
    }

    private static void WriteSystem(Utf8JsonWriter json, DeclaredSystem system)
    {
        json.WriteStartObject("system");
        json.WriteString("id", system.Id);
        json.WriteString("name", system.Name);
        json.WriteString("owner", system.Owner);
        json.WriteString("purpose", system.Purpose);
        json.WriteString("riskTier", AiInventoryReader.TierName(system.RiskTier));
        json.WriteString("annexIiiArea", system.AnnexIiiArea);
        json.WriteStringArray("users", system.Users);
        json.WriteStartArray("models");
        foreach (var model in system.Models)
        {
            json.WriteStartObject();
            json.WriteString("name", model.Name);
            json.WriteString("provider", model.Provider);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStringArray("providers", system.Providers);
        json.WriteStringArray("dataCategories", system.DataCategories);
        json.WriteStringArray("gatewayKeys", system.GatewayKeys);
        json.WriteString("humanOversight", system.HumanOversight);
        json.WriteStringArray("codePaths", system.CodePaths);
        json.WriteStringArray("domains", system.Domains);
        json.WriteNumber("line", system.Line);
        json.WriteEndObject();
    }


    private static string Md(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
