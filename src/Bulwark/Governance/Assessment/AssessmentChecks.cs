using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>A check as assessment-checks.yaml defines it: what it is worth, what it evidences, and how to fix it.</summary>
public sealed record CheckDefinition(string Id, Pillar Pillar, string Title, double Weight, IReadOnlyList<string> Tags, string Remediation);

/// <summary>
/// A check decided by the findings of the rules whose ids start with one of <see cref="RulePrefixes"/>; with
/// <see cref="Requires"/>, only for a project that has that (<see cref="ProjectTraits"/>).
/// </summary>
public sealed record ScanCheckDefinition(CheckDefinition Check, IReadOnlyList<string> RulePrefixes, string? Requires = null);

/// <summary>A check decided by code (<see cref="GatewayChecks"/>, <see cref="InventoryChecks"/>) that <see cref="Fact"/> names.</summary>
public sealed record FactCheckDefinition(CheckDefinition Check, string Fact);

/// <summary>A questionnaire question: a check whose evidence is the project's answer.</summary>
public sealed record Question(CheckDefinition Check, string Text);

/// <summary>The embedded check and question definitions (assessment-checks.yaml, questions.yaml), read once.</summary>
public sealed class AssessmentChecks
{
    private static readonly Lazy<AssessmentChecks> Lazy = new(Load);

    public AssessmentChecks(IReadOnlyList<ScanCheckDefinition> scan, IReadOnlyList<FactCheckDefinition> gateway, IReadOnlyList<FactCheckDefinition> inventory, IReadOnlyList<Question> questions)
    {
        Scan = scan;
        Gateway = gateway;
        Inventory = inventory;
        Questions = questions;
    }

    public static AssessmentChecks Embedded => Lazy.Value;

    public IReadOnlyList<ScanCheckDefinition> Scan { get; }
    public IReadOnlyList<FactCheckDefinition> Gateway { get; }
    public IReadOnlyList<FactCheckDefinition> Inventory { get; }
    public IReadOnlyList<Question> Questions { get; }

    public Question? FindQuestion(string id) => Questions.FirstOrDefault(q => q.Check.Id == id);

    private static AssessmentChecks Load()
    {
        var checks = Deserialize<ChecksDocument>("assessment-checks.yaml");
        var questions = Deserialize<QuestionsDocument>("questions.yaml");
        return new AssessmentChecks(
            [.. (checks.Scan ?? []).Select(d => new ScanCheckDefinition(Definition(d), d.Rules ?? [], d.Requires))],
            [.. (checks.Gateway ?? []).Select(d => new FactCheckDefinition(Definition(d), d.Fact!))],
            [.. (checks.Inventory ?? []).Select(d => new FactCheckDefinition(Definition(d), d.Fact!))],
            [.. (questions.Questions ?? []).Select(d => new Question(Definition(d), d.Text!))]);
    }

    private static CheckDefinition Definition(EntryDocument d) =>
        new(d.Id!, Enum.Parse<Pillar>(d.Pillar!, ignoreCase: true), d.Title ?? d.Text!, d.Weight, d.Tags ?? [], d.Remediation!);

    private static T Deserialize<T>(string name)
    {
        return YamlInput.Deserialize<T>(EmbeddedText.Read($"Bulwark.Governance.Assessment.{name}"), name, "assessment definitions")!;
    }

    private sealed class ChecksDocument
    {
        public List<EntryDocument>? Scan { get; set; }
        public List<EntryDocument>? Gateway { get; set; }
        public List<EntryDocument>? Inventory { get; set; }
    }

    private sealed class QuestionsDocument
    {
        public List<EntryDocument>? Questions { get; set; }
    }

    private sealed class EntryDocument
    {
        public string? Id { get; set; }
        public string? Pillar { get; set; }
        public string? Title { get; set; }
        public string? Text { get; set; }
        public double Weight { get; set; } = 1;
        public List<string>? Rules { get; set; }
        public string? Fact { get; set; }
        public string? Requires { get; set; }
        public List<string>? Tags { get; set; }
        public string? Remediation { get; set; }
    }
}
