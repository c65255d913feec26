using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Bulwark.Governance.ShadowAi;

namespace Bulwark.Governance.Inventory;

/// <summary>
/// Finds AI use in a project tree: model files (by extension, checked against their magic bytes where the extension
/// is ambiguous), AI SDK imports in Python, JS/TS, C#, Go and Java/Kotlin, AI SDKs in dependency manifests
/// (<c>package.json</c> read as JSON, <c>pom.xml</c> as XML, the others line by line), AI service URLs in code and
/// configuration, and AI providers' API-key variable names set or read in env files, YAML, Dockerfiles and code (the
/// name only: a value is never kept). Bounded: depth, file count, bytes read per file, JSON depth; every regex is
/// non-backtracking and runs on one line at a time; XML is read without DTDs or external resources.
/// <c>.gitignore</c> and <c>.bulwarkignore</c> are honoured (see <see cref="IgnoreFiles"/>).
/// </summary>
internal static partial class ProjectDiscovery
{
    public const int MaxDepth = 32;
    public const int MaxFiles = 200_000;
    public const long MaxTextBytes = 1024 * 1024;
    public const int MaxLineLength = 4096;
    public const int MaxJsonDepth = 64;

    // Never entered: VCS metadata, build outputs, dependency caches and virtual environments.
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.OrdinalIgnoreCase)
    {
        ".git", ".hg", ".svn", "bin", "obj", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
        ".pytest_cache", ".idea", ".vs", ".gradle", "target", ".next", "dist", "site-packages", ".terraform",
    };

    private static readonly Dictionary<string, string> ModelExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pkl"] = "pickle", [".pickle"] = "pickle", [".joblib"] = "joblib", [".pt"] = "PyTorch", [".pth"] = "PyTorch",
        [".ckpt"] = "checkpoint", [".bin"] = "PyTorch", [".safetensors"] = "safetensors", [".gguf"] = "GGUF", [".ggml"] = "GGML",
        [".onnx"] = "ONNX", [".keras"] = "Keras", [".h5"] = "HDF5 (Keras)", [".hdf5"] = "HDF5 (Keras)", [".tflite"] = "TensorFlow Lite",
        [".mlmodel"] = "Core ML", [".llamafile"] = "llamafile", [".npz"] = "NumPy archive",
    };

    private static readonly HashSet<string> PythonExtensions = new(StringComparer.OrdinalIgnoreCase) { ".py", ".pyi", ".ipynb" };
    private static readonly HashSet<string> ScriptExtensions = new(StringComparer.OrdinalIgnoreCase) { ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte" };
    private static readonly HashSet<string> JavaExtensions = new(StringComparer.OrdinalIgnoreCase) { ".java", ".kt", ".kts", ".scala" };

    // Code and configuration where a URL means the program calls it (documentation and data are left out).
    private static readonly HashSet<string> EndpointExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".ipynb", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte", ".cs", ".go", ".java", ".kt",
        ".kts", ".scala", ".rb", ".php", ".rs", ".swift", ".sh", ".bash", ".ps1", ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg",
        ".conf", ".env", ".properties", ".tf", ".tfvars", ".config", ".xml",
    };

    public static IReadOnlyList<DiscoveredAiUse> Scan(string root)
    {
        var full = Path.GetFullPath(root);
        var uses = new List<DiscoveredAiUse>();
        if (File.Exists(full))
        {
            ScanFile(new FileInfo(full), Path.GetFileName(full), uses);
            return Order(uses);
        }
        if (!Directory.Exists(full)) throw new Kernel.BulwarkInputException($"path '{root}' does not exist");

        var files = 0;
        var stack = new Stack<(DirectoryInfo Directory, string Relative, int Depth, IgnoreFiles Ignored)>();
        stack.Push((new DirectoryInfo(full), "", 0, IgnoreFiles.Empty));
        while (stack.Count > 0 && files < MaxFiles)
        {
            var (directory, relative, depth, inherited) = stack.Pop();
            var ignored = inherited.With(directory, relative);
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                continue;
            }
            var subdirectories = new List<(DirectoryInfo, string)>();
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                // Links are not followed: no loops, no escape from the tree.
                if (entry.LinkTarget is not null) continue;
                var childRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                if (ignored.IsIgnored(childRelative, entry is DirectoryInfo)) continue;
                if (entry is DirectoryInfo sub)
                {
                    if (!SkippedDirectories.Contains(sub.Name) && depth + 1 <= MaxDepth) subdirectories.Add((sub, childRelative));
                }
                else if (entry is FileInfo file && ++files <= MaxFiles)
                {
                    ScanFile(file, childRelative, uses);
                }
            }
            for (var i = subdirectories.Count - 1; i >= 0; i--) stack.Push((subdirectories[i].Item1, subdirectories[i].Item2, depth + 1, ignored));
        }
        return Order(uses);
    }

    private static List<DiscoveredAiUse> Order(List<DiscoveredAiUse> uses) =>
        [.. uses.Distinct().OrderBy(u => u.File, StringComparer.Ordinal).ThenBy(u => u.Line ?? 0).ThenBy(u => u.Source).ThenBy(u => u.Name, StringComparer.Ordinal)];

    private static void ScanFile(FileInfo file, string relative, List<DiscoveredAiUse> uses)
    {
        try
        {
            var extension = Path.GetExtension(file.Name);
            if (ModelExtensions.TryGetValue(extension, out var format))
            {
                if (IsModelFile(file, extension)) uses.Add(new DiscoveredAiUse(DiscoverySource.ModelFile, file.Name, null, string.Create(CultureInfo.InvariantCulture, $"{format} model file ({file.Length:N0} bytes)"), relative, null));
                return;
            }
            var kind = Classify(file.Name, extension);
            if (kind == FileKind.None || file.Length > MaxTextBytes) return;
            var bytes = File.ReadAllBytes(file.FullName);
            if (bytes.Length > MaxTextBytes || bytes.AsSpan().Contains((byte)0)) return;
            var text = Encoding.UTF8.GetString(bytes);
            var endpoints = EndpointExtensions.Contains(extension) || kind is FileKind.DotEnv or FileKind.Dockerfile;
            // A manifest read whole (JSON, XML) is then scanned line by line for URLs only; package.json that is not
            // valid JSON falls back to the line scan.
            if (kind == FileKind.PackageJson && PackageJson(bytes, relative, uses)) kind = FileKind.Config;
            else if (kind == FileKind.PomXml)
            {
                PomXml(text, relative, uses);
                kind = FileKind.Config;
            }
            ScanText(text, relative, kind, endpoints, uses);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable file shows no use; the scanner (bulwark scan) is where unreadable files are reported.
        }
    }

    private enum FileKind
    {
        None,
        Python,
        Script,
        CSharp,
        Go,
        Java,
        Requirements,
        PyProject,
        PackageJson,
        MsBuild,
        GoMod,
        Gradle,
        PomXml,
        DotEnv,
        Dockerfile,
        Yaml,
        Config,
    }

    private static FileKind Classify(string name, string extension)
    {
        if (PythonExtensions.Contains(extension)) return FileKind.Python;
        if (ScriptExtensions.Contains(extension)) return FileKind.Script;
        if (JavaExtensions.Contains(extension)) return name.EndsWith(".gradle.kts", StringComparison.OrdinalIgnoreCase) ? FileKind.Gradle : FileKind.Java;
        if (extension.Equals(".cs", StringComparison.OrdinalIgnoreCase)) return FileKind.CSharp;
        if (extension.Equals(".go", StringComparison.OrdinalIgnoreCase)) return FileKind.Go;
        if (name.Equals("go.mod", StringComparison.Ordinal)) return FileKind.GoMod;
        if (name.Equals("package.json", StringComparison.Ordinal)) return FileKind.PackageJson;
        if (name.Equals("pom.xml", StringComparison.Ordinal)) return FileKind.PomXml;
        if (name.StartsWith(".env", StringComparison.Ordinal) || extension.Equals(".env", StringComparison.OrdinalIgnoreCase)) return FileKind.DotEnv;
        if (name.Equals("Dockerfile", StringComparison.Ordinal) || name.StartsWith("Dockerfile.", StringComparison.Ordinal) || extension.Equals(".dockerfile", StringComparison.OrdinalIgnoreCase)) return FileKind.Dockerfile;
        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase)) return FileKind.Yaml;
        if (name.Equals("pyproject.toml", StringComparison.Ordinal) || name.Equals("Pipfile", StringComparison.Ordinal)) return FileKind.PyProject;
        if (name.StartsWith("requirements", StringComparison.OrdinalIgnoreCase) && extension is ".txt" or ".in") return FileKind.Requirements;
        if (extension is ".csproj" or ".fsproj" or ".vbproj" or ".props" or ".targets" || name.Equals("packages.config", StringComparison.OrdinalIgnoreCase)) return FileKind.MsBuild;
        if (extension.Equals(".gradle", StringComparison.OrdinalIgnoreCase)) return FileKind.Gradle;
        if (EndpointExtensions.Contains(extension) || name.StartsWith(".env", StringComparison.Ordinal) || name.Equals("Dockerfile", StringComparison.Ordinal)) return FileKind.Config;
        return FileKind.None;
    }

    private static void ScanText(string text, string file, FileKind kind, bool endpoints, List<DiscoveredAiUse> uses)
    {
        var catalog = AiSdkCatalog.Default;
        var inDependencies = false;
        var lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (rawLine.IsEmpty) continue;
            var line = (rawLine.Length > MaxLineLength ? rawLine[..MaxLineLength] : rawLine).ToString();
            switch (kind)
            {
                case FileKind.Python:
                    Python(line, file, lineNumber, uses);
                    break;
                case FileKind.Script:
                    foreach (Match m in ScriptImport().Matches(line)) AddSdk(catalog.Npm(m.Groups[1].Value), m.Value, file, lineNumber, uses);
                    break;
                case FileKind.CSharp:
                    if (CSharpUsing().Match(line) is { Success: true } u) AddSdk(catalog.Nuget(u.Groups[1].Value), u.Value.Trim(), file, lineNumber, uses);
                    break;
                case FileKind.Go:
                case FileKind.GoMod:
                    foreach (Match m in GoPath().Matches(line)) AddSdk(catalog.Go(m.Groups[1].Value), m.Value.Trim(), file, lineNumber, uses);
                    break;
                case FileKind.Java:
                    if (JavaImport().Match(line) is { Success: true } j) AddSdk(catalog.Java(j.Groups[1].Value), j.Value.Trim(), file, lineNumber, uses);
                    break;
                case FileKind.Requirements:
                    if (RequirementLine().Match(line) is { Success: true } r) AddSdk(catalog.PythonPackage(r.Groups[1].Value), r.Groups[1].Value, file, lineNumber, uses);
                    break;
                case FileKind.PyProject:
                    if (QuotedRequirement().Match(line) is { Success: true } q) AddSdk(catalog.PythonPackage(q.Groups[1].Value), q.Groups[1].Value, file, lineNumber, uses);
                    else if (TomlKeyRequirement().Match(line) is { Success: true } t) AddSdk(catalog.PythonPackage(t.Groups[1].Value), t.Groups[1].Value, file, lineNumber, uses);
                    break;
                case FileKind.PackageJson:
                    if (PackageJsonSection().IsMatch(line)) inDependencies = true;
                    else if (inDependencies && line.Contains('}', StringComparison.Ordinal)) inDependencies = false;
                    else if (inDependencies && PackageJsonEntry().Match(line) is { Success: true } p) AddSdk(catalog.Npm(p.Groups[1].Value), p.Groups[1].Value, file, lineNumber, uses);
                    break;
                case FileKind.MsBuild:
                    if (PackageReference().Match(line) is { Success: true } n) AddSdk(catalog.Nuget(n.Groups[1].Value), n.Groups[1].Value, file, lineNumber, uses);
                    break;
                case FileKind.Gradle:
                    foreach (Match m in GradleCoordinate().Matches(line)) AddSdk(catalog.Maven(m.Groups[1].Value), m.Groups[1].Value, file, lineNumber, uses);
                    break;
                case FileKind.DotEnv:
                    // NAME=… or export NAME=…: the value is never looked at.
                    if (EnvAssignment().Match(line) is { Success: true } e) AddKey(e.Groups[1].Value, e.Groups[1].Value + "=", file, lineNumber, uses);
                    Interpolations(line, file, lineNumber, uses);
                    break;
                case FileKind.Dockerfile:
                    Dockerfile(line, file, lineNumber, uses);
                    break;
                case FileKind.Yaml:
                    Yaml(line, file, lineNumber, uses);
                    break;
            }
            if (kind is FileKind.Python or FileKind.Script or FileKind.CSharp or FileKind.Go or FileKind.Java)
            {
                if (line.Contains("env", StringComparison.OrdinalIgnoreCase)) CodeEnvironment(line, file, lineNumber, uses);
                foreach (var (marker, provider) in catalog.Markers)
                {
                    if (line.Contains(marker, StringComparison.Ordinal))
                        uses.Add(new DiscoveredAiUse(DiscoverySource.CodeSdk, marker.Trim('"', '\''), provider.Name, marker, file, lineNumber));
                }
            }
            if (endpoints && line.Contains("://", StringComparison.Ordinal)) Endpoints(line, file, lineNumber, uses);
        }
    }

    private static void Python(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        var match = PythonImport().Match(line);
        if (!match.Success) return;
        var catalog = AiSdkCatalog.Default;
        if (match.Groups[1].Success)
        {
            AddSdk(catalog.PythonImport(match.Groups[1].Value), match.Groups[0].Value.Trim().TrimStart('"').Trim(), file, lineNumber, uses);
            return;
        }
        foreach (var module in match.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var name = module.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            AddSdk(catalog.PythonImport(name), "import " + name, file, lineNumber, uses);
        }
    }

    private static void AddSdk((string Name, AiProvider Provider)? hit, string evidence, string file, int line, List<DiscoveredAiUse> uses)
    {
        if (hit is { } found) uses.Add(new DiscoveredAiUse(DiscoverySource.CodeSdk, found.Name, found.Provider.Name, evidence, file, line));
    }

    private static void Endpoints(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        foreach (Match m in Url().Matches(line))
        {
            var scheme = m.Groups[1].Value.ToLowerInvariant();
            var host = m.Groups[2].Value.ToLowerInvariant();
            var port = m.Groups[3].Success ? m.Groups[3].Value : null;
            var evidence = port is null ? $"{scheme}://{host}" : $"{scheme}://{host}:{port}";
            if (port is not null && int.TryParse(port, out var number) && IsLocalHost(host) && AiSdkCatalog.Default.ForPort(number) is { } local)
            {
                uses.Add(new DiscoveredAiUse(DiscoverySource.CodeEndpoint, host + ":" + port, local.Name, evidence, file, lineNumber));
                continue;
            }
            if (ServiceMatcher.Default.Find(Encoding.ASCII.GetBytes(host)) is not { } service || service.Category == GenAiCategory.SaasAiFeature) continue;
            uses.Add(new DiscoveredAiUse(DiscoverySource.CodeEndpoint, host, InventoryDiscovery.ProviderOf(service), evidence, file, lineNumber));
        }
    }

    // Where a local runtime (Ollama) listens: this machine, or a container named after the runtime.
    private static bool IsLocalHost(string host) =>
        host is "localhost" or "127.0.0.1" or "0.0.0.0" or "host.docker.internal" || AiSdkCatalog.Default.FindProvider(host) is { Kind: "local-runtime" };

    private static bool IsModelFile(FileInfo file, string extension)
    {
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        head = head[..read];
        return extension.ToLowerInvariant() switch
        {
            // .bin is every kind of blob: only a pickle (legacy PyTorch) or a zip (PyTorch) head counts.
            ".bin" => IsPickle(head) || IsZip(head),
            ".gguf" => head.StartsWith("GGUF"u8),
            ".safetensors" => read >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(head) < 100_000_000 && head[8] == (byte)'{',
            ".h5" or ".hdf5" => head.StartsWith(Hdf5Signature),
            ".keras" or ".npz" => IsZip(head),
            _ => read > 0,
        };
    }

    // Written as bytes: in a UTF-8 literal "\x89" would be the two bytes C2 89.
    private static ReadOnlySpan<byte> Hdf5Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool IsPickle(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5;

    private static bool IsZip(ReadOnlySpan<byte> head) => head.StartsWith("PK\x03\x04"u8);

    // import a.b, c as d | from a.b import x; in a notebook the line sits in a JSON string ("from openai import OpenAI\n",).
    [GeneratedRegex(@"^\s*""?\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([A-Za-z_][\w.]*(?:\s+as\s+\w+)?(?:\s*,\s*[A-Za-z_][\w.]*(?:\s+as\s+\w+)?)*))", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex PythonImport();

    // import x from "p" | import "p" | export … from "p" | require("p") | import("p")
    [GeneratedRegex(@"(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)[""']((?:@[\w.\-]+/)?[\w.\-]+(?:/[\w.\-]+)*)[""']", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex ScriptImport();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([A-Za-z_][\w.]*)\s*;", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex CSharpUsing();

    [GeneratedRegex(@"(?:^|[\s(""])""?([a-z0-9\-]+(?:\.[a-z0-9\-]+)+/[\w.\-/]+)""?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex GoPath();

    [GeneratedRegex(@"^\s*import\s+(?:static\s+)?([A-Za-z_][\w.]*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex JavaImport();

    [GeneratedRegex(@"^\s*([A-Za-z0-9][A-Za-z0-9._\-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ].*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex RequirementLine();

    [GeneratedRegex(@"^\s*[""']([A-Za-z0-9][A-Za-z0-9._\-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ][^""']*)?[""']\s*,?\s*(?:#.*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedRequirement();

    [GeneratedRegex(@"^\s*([A-Za-z0-9][A-Za-z0-9._\-]*)\s*=\s*[""'{*]", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex TomlKeyRequirement();

    [GeneratedRegex(@"""(?:dev|peer|optional)?[dD]ependencies""\s*:\s*\{", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex PackageJsonSection();

    [GeneratedRegex(@"^\s*""((?:@[\w.\-]+/)?[\w.\-]+)""\s*:\s*""", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex PackageJsonEntry();

    [GeneratedRegex(@"<(?:PackageReference|PackageVersion|package)\s+(?:Include|Update|id)\s*=\s*""([\w.\-]+)""", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PackageReference();

    [GeneratedRegex(@"[""']([\w.\-]+:[\w.\-]+)(?::[^""'\s]*)?[""']", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex GradleCoordinate();

    // scheme://[userinfo@]host[:port] — the user information is matched so it can be left out of the evidence.
    [GeneratedRegex(@"\b(https?|wss?)://(?:[^\s/@""'<>]{1,256}@)?([A-Za-z0-9](?:[A-Za-z0-9\-_.]{0,252}[A-Za-z0-9])?)(?::(\d{1,5}))?", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Url();
}
