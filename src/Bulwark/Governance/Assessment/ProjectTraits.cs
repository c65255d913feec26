namespace Bulwark.Governance.Assessment;

/// <summary>What a project has, for scan checks that only apply to projects that have it (<c>requires:</c>).</summary>
public static class ProjectTraits
{
    /// <summary>The project holds at least one model file.</summary>
    public const string ModelFiles = "model-files";

    public static IReadOnlyCollection<string> Known { get; } = [ModelFiles];

    /// <summary>The evidence of a check left out because the project lacks <paramref name="trait"/>.</summary>
    public static string Absent(string trait) => trait switch
    {
        ModelFiles => "the project holds no model file",
        _ => $"the project has no {trait}",
    };
}
