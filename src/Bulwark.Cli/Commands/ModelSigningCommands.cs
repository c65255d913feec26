using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Kernel;
using Bulwark.Models.Bom;
using Bulwark.Models.Signing;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark model sign | verify | keygen | bom</c> (docs/model-signing.md). Attached under <c>bulwark model</c> by
/// <see cref="ModelCommand"/>. Results go to stdout (text, or JSON with <c>--json</c>), errors to stderr.
/// Exit codes: 0 signed/verified, 1 verification failed, 2 bad input.
/// </summary>
internal static class ModelSigningCommands
{
    public static IEnumerable<Command> Create(TextWriter stdout, TextWriter stderr)
    {
        yield return Sign(stdout);
        yield return Verify(stdout, stderr);
        yield return Keygen(stdout);
        yield return Bom(stdout, stderr);
    }

    private static Option<string?> PasswordEnv() => new("--password-env")
    {
        Description = "Environment variable holding the private key's password (encrypted PKCS#8)",
    };

    private static Option<string?> SignatureOption() => new("--signature")
    {
        Description = $"Signature file (default DIR/{ManifestOptions.DefaultSignatureName}; inside DIR it is never part of the manifest)",
    };

    private static Option<string[]> IgnoreOption() => new("--ignore")
    {
        Description = "Path (relative to DIR) to leave out, file or folder; repeatable",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Command Sign(TextWriter stdout)
    {
        var directory = new Argument<string>("dir") { Description = "Model directory" };
        var key = new Option<string>("--key") { Description = "ECDSA private key (PEM: PKCS#8, encrypted PKCS#8 or SEC1)", Required = true };
        var password = PasswordEnv();
        var signature = SignatureOption();
        var ignore = IgnoreOption();
        var noDefaultIgnores = new Option<bool>("--no-default-ignores") { Description = "Also sign .git, .github, .gitattributes and .gitignore" };
        var allowSymlinks = new Option<bool>("--allow-symlinks") { Description = "Hash symbolic links to files inside DIR as their target (links leaving DIR are always refused)" };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON on stdout" };
        var command = new Command("sign", "Sign every file of a model directory (OpenSSF model-signing v1.0: in-toto statement, DSSE envelope, Sigstore bundle)")
            { directory, key, password, signature, ignore, noDefaultIgnores, allowSymlinks, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var dir = parse.GetValue(directory)!;
            if (!Directory.Exists(dir)) throw new BulwarkInputException($"model directory '{dir}' does not exist");
            using var privateKey = SigningKeys.LoadPrivateKeyFile(parse.GetValue(key)!, Password(parse.GetValue(password)));
            var options = new SigningOptions
            {
                SignaturePath = parse.GetValue(signature),
                Manifest = new ManifestOptions
                {
                    Ignore = parse.GetValue(ignore) ?? [],
                    UseDefaultIgnores = !parse.GetValue(noDefaultIgnores),
                    AllowSymlinks = parse.GetValue(allowSymlinks),
                },
            };
            var manifest = ModelSigning.Sign(dir, privateKey, options, cancellationToken);
            var path = options.SignatureFor(dir);
            if (parse.GetValue(json))
            {
                stdout.WriteLine(new JsonObject
                {
                    ["model"] = manifest.ModelName,
                    ["files"] = manifest.Resources.Count,
                    ["rootDigest"] = manifest.RootDigest,
                    ["signature"] = path,
                    ["keyHint"] = SigningKeys.KeyHint(privateKey),
                }.ToJsonString(Indented));
            }
            else
            {
                stdout.WriteLine($"signed {manifest.Resources.Count} file(s) of '{manifest.ModelName}' (sha256 {manifest.RootDigest}) -> {path}");
            }
            return Task.FromResult(ExitCodes.Clean);
        });
        return command;
    }

    private static Command Verify(TextWriter stdout, TextWriter stderr)
    {
        var directory = new Argument<string>("dir") { Description = "Model directory" };
        var key = new Option<string>("--key") { Description = "ECDSA public key (PEM, SubjectPublicKeyInfo)", Required = true };
        var signature = SignatureOption();
        var ignore = IgnoreOption();
        var json = new Option<bool>("--json") { Description = "Write the result as JSON on stdout" };
        var command = new Command("verify", "Verify a signed model directory: fails on any changed, added or removed file, naming it")
            { directory, key, signature, ignore, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var dir = parse.GetValue(directory)!;
            using var publicKey = SigningKeys.LoadPublicKeyFile(parse.GetValue(key)!);
            var options = new SigningOptions { SignaturePath = parse.GetValue(signature), Manifest = new ManifestOptions { Ignore = parse.GetValue(ignore) ?? [] } };
            var result = ModelSigning.Verify(dir, publicKey, options, cancellationToken);
            if (parse.GetValue(json)) stdout.WriteLine(ToJson(result).ToJsonString(Indented));
            else Render(result, stdout);
            if (!result.Verified)
            {
                stderr.WriteLine(result.SignatureError is not null
                    ? $"bulwark: verification failed: {result.SignatureError}"
                    : $"bulwark: verification failed: {result.Changes.Count} file(s) differ from the signed manifest: {string.Join(", ", result.Changes.Take(10).Select(c => c.Name))}{(result.Changes.Count > 10 ? ", …" : "")}");
            }
            return Task.FromResult(result.Verified ? ExitCodes.Clean : ExitCodes.Findings);
        });
        return command;
    }

    private static Command Keygen(TextWriter stdout)
    {
        var output = new Option<string>("--out") { Description = "Path prefix: writes PREFIX.key (private, mode 0600) and PREFIX.pub", Required = true };
        var password = new Option<string?>("--password-env") { Description = "Encrypt the private key with the password in this environment variable" };
        var force = new Option<bool>("--force") { Description = "Replace existing key files" };
        var command = new Command("keygen", "Create an ECDSA P-256 key pair for model signing") { output, password, force };
        command.SetAction(parse =>
        {
            using var key = SigningKeys.Generate();
            var (privatePath, publicPath) = SigningKeys.WriteKeyPair(parse.GetValue(output)!, key, Password(parse.GetValue(password)), parse.GetValue(force));
            stdout.WriteLine($"wrote {privatePath} (keep it secret) and {publicPath} (key hint {SigningKeys.KeyHint(key)})");
            return ExitCodes.Clean;
        });
        return command;
    }

    private static Command Bom(TextWriter stdout, TextWriter stderr)
    {
        var directory = new Argument<string>("dir") { Description = "Model directory (or one weights file)" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the BOM to this file instead of stdout" };
        var command = new Command("bom", "AI bill of materials: CycloneDX 1.6 JSON with a machine-learning-model component per model found") { directory, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var dir = parse.GetValue(directory)!;
            var models = AiBom.Discover(dir, cancellationToken: cancellationToken);
            var json = AiBom.ToJson(AiBom.Create(models, new AiBomOptions()));
            if (parse.GetValue(output) is { } path)
            {
                AtomicFile.WriteAllText(path, json + "\n");
                stderr.WriteLine($"wrote {path}: {models.Count} model(s), {models.Sum(m => m.Files.Count)} weights file(s)");
            }
            else
            {
                stdout.WriteLine(json);
            }
            if (models.Count == 0) stderr.WriteLine($"bulwark: no model found under '{dir}' (a folder with a model config.json or weights files)");
            return Task.FromResult(ExitCodes.Clean);
        });
        return command;
    }

    private static string? Password(string? variable)
    {
        if (string.IsNullOrEmpty(variable)) return null;
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(value) ? throw new BulwarkInputException($"environment variable '{variable}' (--password-env) is not set") : value;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string KindName(FileChangeKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    private static JsonObject ToJson(VerificationResult result) => new()
    {
        ["verified"] = result.Verified,
        ["signature"] = result.SignatureFile,
        ["signatureError"] = result.SignatureError,
        ["model"] = result.Manifest?.ModelName,
        ["files"] = result.FileCount,
        ["changes"] = new JsonArray([.. result.Changes.Select(c => new JsonObject
        {
            ["path"] = c.Name,
            ["change"] = KindName(c.Kind),
            ["expected"] = c.Expected,
            ["actual"] = c.Actual,
            ["detail"] = c.Detail,
        })]),
    };

    private static void Render(VerificationResult result, TextWriter stdout)
    {
        if (result.SignatureError is not null)
        {
            stdout.WriteLine($"FAILED {result.SignatureError}");
            return;
        }
        if (result.Verified)
        {
            stdout.WriteLine($"verified: {result.FileCount} file(s) of '{result.Manifest!.ModelName}' match {result.SignatureFile}");
            return;
        }
        stdout.WriteLine($"FAILED {result.Changes.Count} file(s) differ from the manifest signed in {result.SignatureFile}:");
        foreach (var change in result.Changes)
        {
            var detail = change.Kind switch
            {
                FileChangeKind.Changed => $"sha256 signed {change.Expected}, now {change.Actual}",
                FileChangeKind.Added => "not in the signed manifest",
                FileChangeKind.Removed => "in the signed manifest, missing",
                _ => change.Detail ?? "",
            };
            stdout.WriteLine($"  {KindName(change.Kind),-13} {change.Name}  ({detail})");
        }
    }
}
