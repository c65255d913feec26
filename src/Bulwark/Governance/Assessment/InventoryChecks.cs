using Bulwark.Governance.Inventory;

namespace Bulwark.Governance.Assessment;

/// <summary>What the assessment knows of a project's AI inventory: the declared file (or why it could not be read) and the reconciliation.</summary>
public sealed record InventoryEvidence(string SearchedPath, AiInventory? Declared, string? Problem, InventoryReport Reconciled);

/// <summary>Decides the inventory checks: is there an inventory, does it hold every AI use found, are high-risk systems overseen.</summary>
public static class InventoryChecks
{
    private const int MaxUsesPerEntry = 5;

    private delegate (CheckOutcome Outcome, List<Evidence> Evidence) Fact(InventoryEvidence inventory);

    private static readonly Dictionary<string, Fact> Facts = new(StringComparer.Ordinal)
    {
        ["inventory-declared"] = Declared,
        ["inventory-complete"] = Complete,
        ["high-risk-oversight"] = HighRiskOversight,
    };

    public static IReadOnlyCollection<string> Known => Facts.Keys;

    public static IEnumerable<CheckResult> Evaluate(IEnumerable<FactCheckDefinition> definitions, InventoryEvidence inventory)
    {
        foreach (var definition in definitions)
        {
            var check = definition.Check;
            var fact = Facts.TryGetValue(definition.Fact, out var f) ? f : throw new InvalidOperationException($"{check.Id}: unknown inventory fact '{definition.Fact}'");
            var (outcome, evidence) = fact(inventory);
            yield return new CheckResult(check.Id, check.Pillar, check.Title, CheckSource.Inventory, check.Weight, outcome, evidence, check.Tags, check.Remediation);
        }
    }

    private static (CheckOutcome, List<Evidence>) Declared(InventoryEvidence inventory)
    {
        if (inventory.Problem is not null)
            return (CheckOutcome.Fail, [new Evidence(EvidenceKind.Inventory, inventory.SearchedPath, $"the inventory is invalid: {inventory.Problem}", inventory.SearchedPath)]);
        if (inventory.Declared is not { Systems.Count: > 0 } declared)
            return (CheckOutcome.Fail, [new Evidence(EvidenceKind.Inventory, inventory.SearchedPath, inventory.Declared is null ? "no AI inventory file" : "the inventory declares no system", inventory.SearchedPath)]);
        return (CheckOutcome.Pass, [.. declared.Systems.Select(s => new Evidence(EvidenceKind.Inventory, s.Id,
            $"{s.Name}: owner {s.Owner}, EU AI Act tier {Tier(s.RiskTier)}", declared.Path, s.Line))]);
    }

    private static (CheckOutcome, List<Evidence>) Complete(InventoryEvidence inventory)
    {
        var undeclared = inventory.Reconciled.Undeclared.ToList();
        if (undeclared.Count > 0) return (CheckOutcome.Fail, [.. undeclared.SelectMany(Uses)]);
        var seen = inventory.Reconciled.Entries.Where(e => e.Status == InventoryStatus.Declared).ToList();
        if (seen.Count == 0)
            return (CheckOutcome.Pass, [new Evidence(EvidenceKind.Inventory, "discovery", "no AI use was discovered in the project, its gateway or its network logs")]);
        return (CheckOutcome.Pass, [.. seen.Select(e => new Evidence(EvidenceKind.Inventory, e.Name,
            $"declared, and seen {e.Discovered.Count} times ({string.Join(", ", e.Discovered.Select(d => Source(d.Source)).Distinct())})", e.Declared is null ? null : inventory.Declared?.Path, e.Declared?.Line))]);
    }

    private static (CheckOutcome, List<Evidence>) HighRiskOversight(InventoryEvidence inventory)
    {
        if (inventory.Declared is null)
            return (CheckOutcome.Unanswered, [new Evidence(EvidenceKind.Inventory, inventory.SearchedPath, "no inventory: the EU AI Act tier of the project's systems is unknown", inventory.SearchedPath)]);
        var high = inventory.Declared.Systems.Where(s => s.RiskTier == EuAiActTier.High).ToList();
        if (high.Count == 0)
            return (CheckOutcome.NotApplicable, [new Evidence(EvidenceKind.Inventory, inventory.Declared.Path, "no system is declared high-risk", inventory.Declared.Path)]);
        var evidence = high.Select(s => new Evidence(EvidenceKind.Inventory, s.Id,
            string.IsNullOrWhiteSpace(s.HumanOversight) ? $"{s.Name} is high-risk ({s.AnnexIiiArea}) and names no human oversight" : $"{s.Name} ({s.AnnexIiiArea}): {s.HumanOversight}",
            inventory.Declared.Path, s.Line)).ToList();
        return (high.All(s => !string.IsNullOrWhiteSpace(s.HumanOversight)) ? CheckOutcome.Pass : CheckOutcome.Fail, evidence);
    }

    /// <summary>An undeclared entry as evidence: where it was seen, the first few places, then a count.</summary>
    private static IEnumerable<Evidence> Uses(InventoryEntry entry)
    {
        foreach (var use in entry.Discovered.Take(MaxUsesPerEntry))
            yield return new Evidence(EvidenceKind.Inventory, entry.Name, $"undeclared {Source(use.Source)}: {use.Evidence}", use.File, use.Line);
        if (entry.Discovered.Count > MaxUsesPerEntry)
            yield return new Evidence(EvidenceKind.Inventory, entry.Name, $"… and {entry.Discovered.Count - MaxUsesPerEntry} more uses");
    }

    public static string Source(DiscoverySource source) => source switch
    {
        DiscoverySource.ModelFile => "model file",
        DiscoverySource.CodeSdk => "AI SDK in code",
        DiscoverySource.CodeEndpoint => "AI endpoint in code",
        DiscoverySource.ShadowAi => "AI service in network logs",
        DiscoverySource.GatewayModel => "model at the gateway",
        DiscoverySource.ProviderKey => "AI provider key name",
        _ => source.ToString(),
    };

    public static string Tier(EuAiActTier tier) => tier switch
    {
        EuAiActTier.GeneralPurpose => "gpai",
        _ => tier.ToString().ToLowerInvariant(),
    };
}
