namespace Bulwark.Governance.Catalogs;

/// <summary>
/// The framework tags each gateway guard helps satisfy (the embedded <c>guard-controls.yaml</c>), so that a guard in a
/// gateway policy counts as coverage like a rule does. Kept here rather than on the guards: governance may not depend
/// on the usage pillar, and a test checks that every guard the gateway knows is listed.
/// </summary>
public static class GuardControls
{
    private static readonly Lazy<Dictionary<string, IReadOnlyList<string>>> Map = new(() =>
        (EmbeddedCatalogs.Read<GuardControlsDocument>("guard-controls.yaml").Guards ?? [])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Value, StringComparer.Ordinal));

    /// <summary>The guards listed.</summary>
    public static IReadOnlyCollection<string> Guards => Map.Value.Keys;

    /// <summary>The tags of a guard; none for a name not listed.</summary>
    public static IReadOnlyList<string> TagsFor(string guardName) => Map.Value.GetValueOrDefault(guardName ?? "") ?? [];
}

internal sealed class GuardControlsDocument
{
    public Dictionary<string, List<string>>? Guards { get; set; }
}
