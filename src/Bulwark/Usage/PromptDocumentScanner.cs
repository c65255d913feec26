using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>
/// <c>bulwark scan</c>'s usage check: injected instructions in prompt templates and in documents kept for retrieval
/// (RAG corpora, knowledge bases), found by the prompt-attack rule pack. Source code is left alone: a comment saying
/// "ignore the previous value" is not an attack, so only files that are prompts or corpus documents are read.
/// </summary>
public sealed class PromptDocumentScanner(IReadOnlyList<Rule> rules, ScanLimits limits, TimeProvider time)
{
    private const int MaxEvidence = 160;

    /// <summary>Extensions that are prompt templates wherever they are.</summary>
    public static readonly IReadOnlySet<string> TemplateExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".prompt", ".prompty", ".jinja", ".jinja2", ".j2", ".mustache", ".hbs", ".tmpl", ".tpl" };

    /// <summary>Document extensions that count when they sit under a prompt or corpus folder.</summary>
    public static readonly IReadOnlySet<string> DocumentExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".txt", ".md", ".mdx", ".rst", ".html", ".htm", ".json", ".jsonl", ".yaml", ".yml", ".csv", ".xml", ".docx", ".pptx", ".pdf" };

    /// <summary>Folder names that hold prompts or retrieval corpora.</summary>
    public static readonly IReadOnlySet<string> DocumentFolders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "prompts", "prompt", "templates", "rag", "corpus", "corpora", "knowledge", "knowledge-base", "knowledge_base", "kb", "documents", "retrieval", "embeddings-source" };

    private readonly TextDocumentScanner _scanner = new(new PatternEngine(rules.Where(r => r.Family == PromptAttackClassifier.Family).ToList(), limits), limits, time);

    public static bool IsPromptDocument(string relativePath)
    {
        var extension = Path.GetExtension(relativePath);
        if (TemplateExtensions.Contains(extension)) return true;
        if (!DocumentExtensions.Contains(extension)) return false;
        var folders = relativePath.Replace('\\', '/').Split('/')[..^1];
        return folders.Any(DocumentFolders.Contains);
    }

    public IReadOnlyList<Finding> Scan(Stream stream, string displayPath, string relativePath, CancellationToken cancellationToken = default) =>
        _scanner.Scan(stream, cancellationToken).Matches.Select(m => ToFinding(m, displayPath, relativePath)).ToList();

    private static Finding ToFinding(TextMatch match, string displayPath, string relativePath) =>
        match.ToFinding(displayPath, relativePath,
            $"{match.Rule.Name} in a prompt template or retrieval document: text the model will read as an instruction",
            Evidence(match.MatchedText), match.MatchedText);

    /// <summary>The phrase itself (it is the point, not a secret), on one line and bounded.</summary>
    private static string Evidence(string text)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= MaxEvidence ? line : line[..MaxEvidence] + "…";
    }
}
