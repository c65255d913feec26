using System.CommandLine;
using System.Text.Json.Nodes;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Text;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark detect --jsonl</c>: the machine interface for evaluation. One JSON object per input line in,
/// one per line out (see <see cref="JsonLines"/>), offsets in Unicode code points as Python counts them.
/// </summary>
internal static class DetectCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var jsonl = new Option<bool>("--jsonl") { Description = "Read {\"id\", \"text\"} lines on stdin, write {\"id\", \"findings\"} lines on stdout", Required = true };
        var family = new Option<string?>("--family") { Description = "Only rules of this family (e.g. secret)" };
        var command = new Command("detect", "Run the text detectors over JSON lines (for evaluation and pipelines)") { jsonl, family };
        CommonOptions.AddRuleAndNerOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var rules = catalog.Rules.Where(r => parse.GetValue(family) is not { } f || r.Family.Equals(f, StringComparison.OrdinalIgnoreCase)).ToList();
            using var ner = CommonOptions.LoadNerModel(parse);
            var detector = new TextDetector(rules, ScanLimits.Default, TimeProvider.System, ner);
            return Task.FromResult(JsonLines.Process(stdin, stdout, stderr, text => Result(text, detector), cancellationToken));
        });
        return command;
    }

    private static JsonObject Result(string text, TextDetector detector)
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
                ["score"] = match.Score ?? TextDetector.Score(match.Rule.Confidence),
                ["rule"] = match.Rule.Id,
            });
        }
        return new JsonObject { ["findings"] = findings };
    }
}
