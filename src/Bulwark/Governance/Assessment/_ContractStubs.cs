// TEMPORARY: the contract types of the catalog and inventory streams, until their branches merge. Delete on merge.
#pragma warning disable CA1822, CS1591
namespace Bulwark.Governance.Inventory
{
    public enum EuAiActTier { Prohibited, High, Limited, Minimal, GeneralPurpose }
    public sealed record DeclaredModel(string Name, string? Provider);
    public sealed record DeclaredSystem(string Id, string Name, string Owner, string Purpose, IReadOnlyList<string> Users,
        EuAiActTier RiskTier, string? AnnexIiiArea, IReadOnlyList<DeclaredModel> Models, IReadOnlyList<string> Providers,
        IReadOnlyList<string> DataCategories, IReadOnlyList<string> GatewayKeys, string? HumanOversight, int Line);
    public sealed record AiInventory(string Path, IReadOnlyList<DeclaredSystem> Systems);
    public static class AiInventoryReader { public static AiInventory ReadFile(string path) => throw new NotImplementedException(); }
    public enum DiscoverySource { ModelFile, CodeSdk, CodeEndpoint, ShadowAi, GatewayModel }
    public sealed record DiscoveredAiUse(DiscoverySource Source, string Name, string? Provider, string Evidence, string? File, int? Line);
    public enum InventoryStatus { Declared, Undeclared, NotObserved }
    public sealed record InventoryEntry(string Name, InventoryStatus Status, DeclaredSystem? Declared, IReadOnlyList<DiscoveredAiUse> Discovered);
    public sealed record InventoryReport(string? InventoryPath, IReadOnlyList<InventoryEntry> Entries)
    {
        public IEnumerable<InventoryEntry> Undeclared => Entries.Where(e => e.Status == InventoryStatus.Undeclared);
    }
    public static class InventoryDiscovery
    {
        public static IReadOnlyList<DiscoveredAiUse> FromProject(string root) => [];
        public static IReadOnlyList<DiscoveredAiUse> FromDiscoverReport(string jsonPath) => [];
        public static IReadOnlyList<DiscoveredAiUse> FromGatewayConfig(string yamlPath) => [];
    }
    public static class InventoryReconciler { public static InventoryReport Reconcile(AiInventory? declared, IEnumerable<DiscoveredAiUse> discovered) => new(null, []); }
}
