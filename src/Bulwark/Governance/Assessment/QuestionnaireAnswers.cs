using Bulwark.Kernel;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Governance.Assessment;

public enum AnswerValue
{
    Yes,
    Partial,
    No,
    NotApplicable,
}

/// <summary>One answer as the questionnaire file gives it, with the line it is on (the evidence an auditor checks).</summary>
public sealed record Answer(string Question, AnswerValue Value, string? Note, string? Reference, int Line);

/// <summary>A project's answers to the questionnaire (ai-questionnaire.yaml; docs/governance-assess.md).</summary>
public sealed record QuestionnaireAnswers(string Path, string? AnsweredBy, string? Date, IReadOnlyDictionary<string, Answer> Answers);

/// <summary>
/// Reads ai-questionnaire.yaml. An answer is a word (<c>yes</c>, <c>partial</c>, <c>no</c>, <c>n/a</c>) or a mapping
/// with <c>answer</c>, <c>note</c> and <c>evidence</c>; <c>n/a</c> needs a note saying why. Every problem is reported
/// at once, each with its file, line and column.
/// </summary>
public static class QuestionnaireReader
{
    public const long MaxBytes = 1024 * 1024;

    private static readonly string[] TopKeys = ["version", "answered-by", "date", "answers"];
    private static readonly string[] AnswerKeys = ["answer", "note", "evidence"];

    public static QuestionnaireAnswers ReadFile(string path) => Read(YamlInput.ReadFile(path, MaxBytes, "questionnaire"), path);

    public static QuestionnaireAnswers Read(string yaml, string source)
    {
        var problems = new List<string>();
        var root = Parse(yaml, source);
        if (root is null) return new QuestionnaireAnswers(source, null, null, new Dictionary<string, Answer>());
        if (root is not YamlMappingNode top) throw Problem(source, root, "the questionnaire must be a mapping with an `answers:` section");

        foreach (var key in top.Children.Keys.OfType<YamlScalarNode>().Where(k => !TopKeys.Contains(k.Value)))
            problems.Add(At(source, key, $"unknown key '{key.Value}' (expected {string.Join(", ", TopKeys)})"));
        if (Scalar(top, "version") is { } version && version.Value != "1")
            problems.Add(At(source, version, $"version {version.Value} is not supported (expected 1)"));

        var answers = new Dictionary<string, Answer>(StringComparer.Ordinal);
        if (top.Children.TryGetValue(new YamlScalarNode("answers"), out var section) && section is YamlMappingNode map)
        {
            foreach (var (keyNode, valueNode) in map.Children)
            {
                var id = ((YamlScalarNode)keyNode).Value ?? "";
                if (AssessmentChecks.Embedded.FindQuestion(id) is null)
                {
                    problems.Add(At(source, keyNode, $"no question '{id}' (questions: {string.Join(", ", AssessmentChecks.Embedded.Questions.Select(q => q.Check.Id))})"));
                    continue;
                }
                if (ReadAnswer(id, valueNode, (int)keyNode.Start.Line, source, problems) is { } answer) answers[id] = answer;
            }
        }
        else if (section is not null && section is not YamlScalarNode { Value: null or "" })
        {
            problems.Add(At(source, section, "`answers:` must map question ids to answers"));
        }

        if (problems.Count > 0) throw new BulwarkInputException(string.Join(Environment.NewLine, problems));
        return new QuestionnaireAnswers(source, Scalar(top, "answered-by")?.Value, Scalar(top, "date")?.Value, answers);
    }

    private static Answer? ReadAnswer(string id, YamlNode node, int line, string source, List<string> problems)
    {
        // A question left empty (as the template writes it) is unanswered, not a mistake.
        if (node is YamlScalarNode { Value: null or "" }) return null;
        YamlScalarNode? word;
        string? note = null, reference = null;
        if (node is YamlMappingNode fields)
        {
            foreach (var key in fields.Children.Keys.OfType<YamlScalarNode>().Where(k => !AnswerKeys.Contains(k.Value)))
                problems.Add(At(source, key, $"unknown key '{key.Value}' in the answer to {id} (expected {string.Join(", ", AnswerKeys)})"));
            word = Scalar(fields, "answer");
            note = Scalar(fields, "note")?.Value;
            reference = Scalar(fields, "evidence")?.Value;
            if (word is null)
            {
                problems.Add(At(source, node, $"the answer to {id} has no `answer:` (yes, partial, no or n/a)"));
                return null;
            }
        }
        else
        {
            word = node as YamlScalarNode;
        }

        AnswerValue? value = word?.Value?.Trim().ToLowerInvariant() switch
        {
            "yes" or "true" => AnswerValue.Yes,
            "partial" or "partly" => AnswerValue.Partial,
            "no" or "false" => AnswerValue.No,
            "n/a" or "na" or "not-applicable" => AnswerValue.NotApplicable,
            _ => null,
        };
        if (value is null)
        {
            problems.Add(At(source, word ?? node, $"'{word?.Value}' is not an answer to {id} (yes, partial, no or n/a)"));
            return null;
        }
        if (value == AnswerValue.NotApplicable && string.IsNullOrWhiteSpace(note))
        {
            problems.Add(At(source, node, $"{id} is answered n/a without a `note:` saying why"));
            return null;
        }
        return new Answer(id, value.Value, note, reference, line);
    }

    private static YamlScalarNode? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node as YamlScalarNode : null;

    private static YamlNode? Parse(string yaml, string source) => YamlInput.LoadTree(yaml, source, "questionnaire", maxDepth: 16);

    private static string At(string source, YamlNode node, string message) => $"{source}:{node.Start.Line}:{node.Start.Column}: {message}";

    private static BulwarkInputException Problem(string source, YamlNode node, string message) => new(At(source, node, message));
}
