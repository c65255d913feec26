using System.Globalization;
using System.Text;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// A blank ai-questionnaire.yaml: every question of the bank by pillar, its text and weight as comments, the answer
/// left empty for the project to fill in. Unfilled answers read back as unanswered, so a half-done file still works.
/// </summary>
public static class QuestionnaireTemplate
{
    public static string Write(AssessmentChecks? definitions = null)
    {
        definitions ??= AssessmentChecks.Embedded;
        var yaml = new StringBuilder();
        yaml.AppendLine("# Answers to the organisational questions of `bulwark gov assess` (docs/governance-assess.md).");
        yaml.AppendLine("# Each answer: yes | partial | no | n/a, or a mapping with `answer:`, `note:` (required for n/a) and `evidence:`");
        yaml.AppendLine("# (where an auditor finds the proof). Questions left empty count as unanswered, which scores like \"no\".");
        yaml.AppendLine("version: 1");
        yaml.AppendLine("answered-by:");
        yaml.AppendLine("date:");
        yaml.AppendLine("answers:");
        foreach (var pillar in definitions.Questions.GroupBy(q => q.Check.Pillar).OrderBy(g => g.Key))
        {
            yaml.AppendLine();
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  # {AssessmentNames.Title(pillar.Key)}");
            foreach (var question in pillar)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"  # {question.Text} (weight {question.Check.Weight:0.#})");
                yaml.AppendLine(CultureInfo.InvariantCulture, $"  {question.Check.Id}:");
            }
        }
        return yaml.ToString();
    }
}
