using System.CommandLine;
using Bulwark.Data;
using Bulwark.Data.Anonymization;
using Bulwark.Kernel;
using Bulwark.Scanning;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark redact FILE|-</c> anonymises what the data detectors find (secrets, PII) by a per-entity policy;
/// <c>bulwark restore FILE|-</c> undoes the reversible operators (encrypt, pseudonymize) with the key and vault.
/// The result goes to stdout or, atomically, to <c>--output</c>; a summary goes to stderr.
/// </summary>
internal static class RedactCommand
{
    private const long MaxInputBytes = 256L * 1024 * 1024;

    private static readonly Argument<string> Input = new("input") { Description = "File to read, or - for stdin", DefaultValueFactory = _ => "-" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Write the result here (atomically) instead of stdout" };
    private static readonly Option<string?> KeyFile = new("--key-file") { Description = $"32-byte key (raw or base64) for hash, encrypt and pseudonymize; or set {AnonymizationKey.EnvironmentVariable}" };
    private static readonly Option<string?> Vault = new("--vault") { Description = "Encrypted pseudonym vault: created or extended by redact, read by restore" };

    public static IEnumerable<Command> Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var policy = new Option<string?>("--policy") { Description = "Anonymisation policy YAML: an operator per entity type (docs/anonymization.md)" };
        var operatorName = new Option<string?>("--operator") { Description = $"One operator for every type: {string.Join(", ", AnonymizationPolicy.OperatorNames)} (default replace)" };
        var redact = new Command("redact", "Anonymise secrets and personal data in a file or stdin") { Input, Output, policy, operatorName, KeyFile, Vault };
        CommonOptions.AddRuleAndNerOptions(redact);
        redact.SetAction(parse =>
        {
            var chosen = parse.GetValue(policy) is { } path ? AnonymizationPolicy.LoadFile(path)
                : parse.GetValue(operatorName) is { } name ? AnonymizationPolicy.All(name) : AnonymizationPolicy.ReplaceAll;
            var key = LoadKey(parse, required: false);
            var vaultPath = parse.GetValue(Vault);
            if (vaultPath is not null && key is null) throw new BulwarkInputException("--vault is encrypted at rest: give --key-file or set " + AnonymizationKey.EnvironmentVariable);
            var vault = vaultPath is null ? null : PseudonymVault.Open(vaultPath, key!);
            var anonymizer = new Anonymizer(chosen, key, vault);
            using var ner = CommonOptions.LoadNerModel(parse);
            var detector = new TextDetector(Scanner.ScannedRules(CommonOptions.LoadCatalog(parse)), ScanLimits.Default, TimeProvider.System, ner);

            var result = anonymizer.Anonymize(Read(parse.GetValue(Input)!, stdin), detector);
            Write(parse.GetValue(Output), result.Text, stdout);
            if (vaultPath is not null) anonymizer.Vault.Save(vaultPath, key!);
            else if (result.Items.Any(i => i.Operator == "pseudonymize")) stderr.WriteLine("bulwark: warning: no --vault, so these placeholders cannot be restored later");
            var byType = result.Items.GroupBy(i => i.EntityType).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
            stderr.WriteLine($"bulwark: anonymised {result.Items.Count} value(s){(result.Items.Count > 0 ? ": " + string.Join(", ", byType) : "")}");
            return ExitCodes.Clean;
        });

        var restore = new Command("restore", "Undo encrypt and pseudonymize: decrypt tokens and swap vault placeholders back") { Input, Output, KeyFile, Vault };
        restore.SetAction(parse =>
        {
            var key = LoadKey(parse, required: true)!;
            var vault = parse.GetValue(Vault) is { } vaultPath ? PseudonymVault.Open(vaultPath, key) : null;
            var anonymizer = new Anonymizer(AnonymizationPolicy.ReplaceAll, key, vault);
            Write(parse.GetValue(Output), anonymizer.Restore(Read(parse.GetValue(Input)!, stdin)), stdout);
            return ExitCodes.Clean;
        });
        return [redact, restore];
    }

    private static AnonymizationKey? LoadKey(ParseResult parse, bool required)
    {
        var key = parse.GetValue(KeyFile) is { } path ? AnonymizationKey.FromFile(path) : AnonymizationKey.FromEnvironment();
        if (key is null && required) throw new BulwarkInputException($"give the key with --key-file or set {AnonymizationKey.EnvironmentVariable}");
        return key;
    }

    private static string Read(string input, TextReader stdin)
    {
        if (input == "-") return stdin.ReadToEnd();
        return CommonOptions.ReadInputFile(input, MaxInputBytes);
    }

    private static void Write(string? output, string text, TextWriter stdout)
    {
        if (output is null)
        {
            stdout.Write(text);
            stdout.Flush();
        }
        else
        {
            AtomicFile.WriteAllText(output, text);
        }
    }
}
