using Bulwark.Usage;

namespace Bulwark.Eval;

/// <summary>
/// Training prompts written for Bulwark (eval/data/authored-prompts.jsonl, see eval/data/README.md): hard negatives
/// and synthetic indirect injections. They only ever train, in every setting; they are never scored.
/// </summary>
public static class AuthoredData
{
    public const string RelativePath = "eval/data/authored-prompts.jsonl";

    /// <summary>Sources of the authored indirect injections (left out with BIPIA in the strictest run).</summary>
    public const string InjectionSourcePrefix = "authored_indirect";

    public static List<LabeledPrompt> Load()
    {
        var path = Path.Combine(RepositoryPaths.Root, RelativePath);
        return File.Exists(path) ? LabeledPromptReader.Read(path) : [];
    }
}
