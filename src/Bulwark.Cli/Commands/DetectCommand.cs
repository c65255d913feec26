using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Text;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark detect --jsonl</c>: the machine interface for evaluation. One JSON object per input line in,
/// one per line out, offsets in Unicode code points as Python counts them. A bad line gets an error object
/// and the rest still run.
/// </summary>
internal static class DetectCommand
{
    /// <summary>Lines longer than this are refused (one error line), so one huge input cannot exhaust memory.</summary>
    public const int MaxLineChars = 16 * 1024 * 1024;

    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var jsonl = new Option<bool>("--jsonl") { Description = "Read {\"id\", \"text\"} lines on stdin, write {\"id\", \"findings\"} lines on stdout", Required = true };
        var family = new Option<string?>("--family") { Description = "Only rules of this family (e.g. secret)" };
        var command = new Command("detect", "Run the text detectors over JSON lines (for evaluation and pipelines)") { jsonl, family };
        CommonOptions.AddRuleOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var rules = catalog.Rules.Where(r => parse.GetValue(family) is not { } f || r.Family.Equals(f, StringComparison.OrdinalIgnoreCase)).ToList();
            var detector = new TextDetector(rules, ScanLimits.Default, TimeProvider.System);
            return Task.FromResult(Run(detector, stdin, stdout, stderr, cancellationToken));
        });
        return command;
    }

    internal static int Run(TextDetector detector, TextReader input, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        var bad = 0;
        while (input.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? id = null;
            try
            {
                if (line.Length > MaxLineChars) throw new FormatException($"line is longer than {MaxLineChars} characters");
                var node = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("line is not a JSON object");
                id = node["id"]?.DeepClone();
                var text = node["text"] is JsonValue value && value.TryGetValue<string>(out var s) ? s : throw new FormatException("\"text\" is missing or not a string");
                output.WriteLine(Result(id, text, detector).ToJsonString());
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                bad++;
                errors.WriteLine($"bulwark: line {lineNumber}: {e.Message}");
                output.WriteLine(new JsonObject { ["id"] = id, ["error"] = e.Message }.ToJsonString());
            }
        }
        output.Flush();
        return bad == 0 ? ExitCodes.Clean : ExitCodes.InputError;
    }

    private static JsonObject Result(JsonNode? id, string text, TextDetector detector)
    {
        var codePoints = new CodePointIndex(text);
        var findings = new JsonArray();
        foreach (var match in detector.MatchText(text))
        {
            var start = (int)match.Start + match.SecretOffset;
            findings.Add(new JsonObject
            {
                ["type"] = match.Rule.EntityType,
                ["start"] = codePoints.FromUtf16(start),
                ["end"] = codePoints.FromUtf16(start + match.SecretLength),
                ["score"] = TextDetector.Score(match.Rule.Confidence),
                ["rule"] = match.Rule.Id,
            });
        }
        return new JsonObject { ["id"] = id, ["findings"] = findings };
    }
}
