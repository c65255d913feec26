using Bulwark.Models;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bulwark.Models.Formats;

/// <summary>
/// A Hugging Face config (<c>config.json</c>, <c>tokenizer_config.json</c>, …): recognised by content — a JSON
/// object with <c>auto_map</c>, <c>trust_remote_code</c>, <c>model_type</c>, <c>architectures</c> or
/// <c>chat_template</c> at its top level. <c>auto_map</c> names Python classes (<c>module.Class</c> in the repository,
/// <c>repo--module.Class</c> in another) that <c>from_pretrained(trust_remote_code=True)</c> imports and runs;
/// <c>chat_template</c> is a Jinja template rendered by jinja2 (the same sandbox-escape check as GGUF's).
/// </summary>
/// <remarks>
/// When the scan implements <see cref="IModelScanDirectory"/> and the config is a file on disk, the modules named by
/// <c>auto_map</c> are read from beside it (bounded) and checked for process, network and dynamic-code calls: the
/// issue is then malicious instead of suspicious.
/// </remarks>
public sealed partial class HuggingFaceConfigFormat : IModelFormat
{
    public const long MaxConfigBytes = 64L << 20;

    public const long MaxModuleBytes = 4L << 20;

    private static readonly string[] Markers = ["auto_map", "trust_remote_code", "model_type", "architectures", "chat_template", "tokenizer_class"];

    /// <summary>What makes a remote-code module malicious rather than merely remote code.</summary>
    public static IReadOnlyList<string> DangerousCodePatterns { get; } =
    [
        "os.system", "os.popen", "os.exec*", "os.spawn*", "subprocess", "eval(", "exec(", "compile(", "__import__",
        "socket", "urllib.request", "requests.get/post", "http.client", "ctypes", "pickle.loads", "marshal.loads",
        "base64.b64decode + exec", "pty.spawn",
    ];

    [GeneratedRegex(@"\bos\s*\.\s*(system|popen|exec\w*|spawn\w*)\s*\(|\bsubprocess\b|(?<![\w.])(eval|exec|compile)\s*\(|\b__import__\s*\(|\bimport\s+socket\b|\bsocket\s*\.\s*socket\b|\burllib\.request\b|\brequests\s*\.\s*(get|post|put)\s*\(|\bhttp\.client\b|\bimport\s+ctypes\b|\bctypes\s*\.|\bpickle\s*\.\s*loads?\s*\(|\bmarshal\s*\.\s*loads\s*\(|\bpty\s*\.\s*spawn\b")]
    private static partial Regex DangerousCode();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")]
    private static partial Regex DottedName();

    public string Name => "hf-config";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        var keys = JsonHead.TopLevelKeys(head);
        return keys is not null && Markers.Any(keys.ContainsKey) && !keys.ContainsKey("class_name");
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        JsonDocument document;
        try
        {
            document = JsonHead.Read(content, Math.Min(MaxConfigBytes, scan.Limits.MaxMemberBytes));
        }
        catch (Exception e) when (e is JsonException or MalformedModelException)
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"config could not be read: {e.Message}"));
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            var directory = scan.Depth == 0 && scan is IModelScanDirectory located ? located.Directory : null;
            if (root.TryGetProperty("auto_map", out var autoMap))
            {
                CheckAutoMap(autoMap, member, directory, scan);
            }

            if (root.TryGetProperty("trust_remote_code", out var trust) && trust.ValueKind == JsonValueKind.True)
            {
                scan.Report(new ModelIssue(ModelRuleIds.HfRemoteCode, ModelVerdict.Suspicious, ModelFormatRules.At(member, "trust_remote_code"),
                    "config asks loaders to trust and run the repository's Python code", "trust_remote_code: true"));
            }

            CheckTemplates(root, member, scan);
        }
    }

    private static void CheckAutoMap(JsonElement autoMap, string member, string? directory, ModelScan scan)
    {
        if (autoMap.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var references = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entry in autoMap.EnumerateObject())
        {
            if (entry.Value.ValueKind == JsonValueKind.String)
            {
                references.Add(entry.Value.GetString()!);
            }
            else if (entry.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in entry.Value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        references.Add(item.GetString()!);
                    }
                }
            }
        }

        foreach (var reference in references.Take(100))
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            var separator = reference.IndexOf("--", StringComparison.Ordinal);
            var repo = separator >= 0 ? reference[..separator] : null;
            var dotted = separator >= 0 ? reference[(separator + 2)..] : reference;
            var lastDot = dotted.LastIndexOf('.');
            var module = lastDot > 0 ? dotted[..lastDot] : dotted;
            var file = module.Replace('.', '/') + ".py";
            var where = ModelFormatRules.At(member, "auto_map");

            if (repo is not null)
            {
                scan.Report(new ModelIssue(ModelRuleIds.HfRemoteCode, ModelVerdict.Suspicious, where,
                    $"auto_map loads {file} from another repository ({repo}): code outside this model, fetched at load time", reference));
                continue;
            }

            if (!DottedName().IsMatch(dotted))
            {
                scan.Report(new ModelIssue(ModelRuleIds.HfRemoteCode, ModelVerdict.Suspicious, where,
                    $"auto_map entry is not a module.Class name", reference));
                continue;
            }

            var (verdict, evidence) = JudgeModule(directory, file);
            scan.Report(new ModelIssue(ModelRuleIds.HfRemoteCode, verdict, where,
                verdict == ModelVerdict.Malicious
                    ? $"auto_map runs {file}, which calls {evidence}"
                    : $"auto_map runs the repository's Python file {file} when loaded with trust_remote_code",
                verdict == ModelVerdict.Malicious ? $"{reference}: {evidence}" : reference));
        }
    }

    private static (ModelVerdict Verdict, string Evidence) JudgeModule(string? directory, string relative)
    {
        if (directory is null)
        {
            return (ModelVerdict.Suspicious, string.Empty);
        }

        try
        {
            var root = Path.GetFullPath(directory);
            var path = Path.GetFullPath(Path.Combine(root, relative));
            if (!path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            {
                return (ModelVerdict.Suspicious, string.Empty);
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var bytes = new BoundedReader(stream).ReadBytes(Math.Min(stream.Length, MaxModuleBytes), MaxModuleBytes);
            var code = System.Text.Encoding.UTF8.GetString(bytes);
            var matches = DangerousCode().Matches(code).Select(m => m.Value).Distinct(StringComparer.Ordinal).Take(5).ToList();
            return matches.Count > 0 ? (ModelVerdict.Malicious, string.Join(", ", matches)) : (ModelVerdict.Suspicious, string.Empty);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MalformedModelException)
        {
            return (ModelVerdict.Suspicious, string.Empty);
        }
    }

    private static void CheckTemplates(JsonElement root, string member, ModelScan scan)
    {
        if (!root.TryGetProperty("chat_template", out var template))
        {
            return;
        }

        // A string, or a list of {"name": …, "template": …}.
        var templates = new List<(string Key, string Text)>();
        if (template.ValueKind == JsonValueKind.String)
        {
            templates.Add(("chat_template", template.GetString()!));
        }
        else if (template.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in template.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("template", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "?";
                    templates.Add(($"chat_template.{name}", t.GetString()!));
                }
            }
        }

        foreach (var (key, text) in templates)
        {
            var found = JinjaTemplateCheck.Find(text);
            if (found.Count > 0)
            {
                scan.Report(new ModelIssue(ModelRuleIds.GgufTemplateInjection, ModelVerdict.Malicious, ModelFormatRules.At(member, key),
                    "chat template reaches Python internals (a jinja2 sandbox escape runs code when a prompt is formatted)",
                    string.Join(", ", found)));
            }
        }
    }
}
