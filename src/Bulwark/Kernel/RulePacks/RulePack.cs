namespace Bulwark.Kernel.RulePacks;

/// <summary>A named set of rules loaded from one YAML file.</summary>
public sealed record RulePack(string Name, string Source, string Description, IReadOnlyList<Rule> Rules);
