using Bulwark.Governance.Assessment;
using Bulwark.Governance.Inventory;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Usage.Guards;

namespace Bulwark.Scanning;

/// <summary>A gateway database's keys and audited calls; <see cref="Source"/> names it in the evidence.</summary>
public sealed record GatewayDatabaseFacts(string Source, IReadOnlyList<GatewayKeyFact> Keys, IReadOnlyList<GatewayCall> Calls);

/// <summary>Where <see cref="ProjectAssessment"/> finds its inputs; each null path is looked for in the project by its conventional name.</summary>
public sealed record ProjectAssessmentOptions
{
    public string? InventoryPath { get; init; }
    public string? QuestionnairePath { get; init; }
    public string? GatewayConfigPath { get; init; }

    /// <summary>What the gateway's database holds (read by the host, which knows the gateway's store), or null.</summary>
    public GatewayDatabaseFacts? Gateway { get; init; }

    /// <summary>JSON reports of <c>bulwark discover</c>: shadow AI seen in network logs.</summary>
    public IReadOnlyList<string> DiscoverReports { get; init; } = [];
    public ScanOptions? Scan { get; init; }
    public string ToolVersion { get; init; } = "0.0.0";
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// Gathers what <c>bulwark gov assess PATH</c> scores: it scans the tree (every pillar's rules), reads the gateway
/// configuration, the AI inventory reconciled with the AI uses the tree reveals, and the questionnaire, then hands
/// them to <see cref="PostureAssessor"/>. This lives with the scan orchestration because it calls every pillar;
/// the governance pillar itself only reads what they produce.
/// </summary>
public static class ProjectAssessment
{
    public const string QuestionnaireFile = "ai-questionnaire.yaml";
    public static readonly string[] GatewayFiles = ["bulwark-gateway.yaml", "gateway.yaml"];

    private const int GatewaySearchDepth = 4;
    private static readonly HashSet<string> SkippedFolders = new(StringComparer.OrdinalIgnoreCase) { ".git", "node_modules", "bin", "obj", ".venv", "venv", "__pycache__" };

    public static PostureAssessment Assess(string root, RuleCatalog catalog, ProjectAssessmentOptions options, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root)) throw new BulwarkInputException($"'{root}' is not a directory: gov assess takes a project tree");
        var notes = new List<string>();
        var scan = new Scanner(catalog, (options.Scan ?? new ScanOptions { Roots = [root] }) with { Roots = [root] }).Run(cancellationToken);

        var gatewayPath = options.GatewayConfigPath ?? FindGatewayConfig(root);
        var gateway = gatewayPath is null ? null : GatewayPostureReader.ReadFile(gatewayPath, GuardPolicy.DefaultText()) with { Keys = options.Gateway?.Keys };
        var gatewaySearched = options.GatewayConfigPath ?? $"looked for {string.Join(" or ", GatewayFiles)} under {root}";

        var inventoryPath = options.InventoryPath ?? Path.Combine(root, AiInventoryReader.FileName);
        var inventory = ReadInventory(inventoryPath, gatewayPath, options.Gateway, options.DiscoverReports, root, notes);

        var questionnairePath = options.QuestionnairePath ?? Path.Combine(root, QuestionnaireFile);
        var answers = options.QuestionnairePath is not null || File.Exists(questionnairePath) ? QuestionnaireReader.ReadFile(questionnairePath) : null;

        return PostureAssessor.Assess(new AssessmentInput
        {
            Root = root,
            Scan = scan,
            Gateway = gateway,
            GatewaySearched = gatewaySearched,
            Inventory = inventory,
            Answers = answers,
            QuestionnaireSearched = questionnairePath,
            Notes = notes,
            AssessedAt = options.Time.GetUtcNow(),
            ToolVersion = options.ToolVersion,
        });
    }

    private static InventoryEvidence ReadInventory(string path, string? gatewayPath, GatewayDatabaseFacts? gateway, IReadOnlyList<string> discoverReports, string root, List<string> notes)
    {
        AiInventory? declared = null;
        string? problem = null;
        if (File.Exists(path))
        {
            try
            {
                declared = AiInventoryReader.ReadFile(path);
            }
            catch (BulwarkInputException e)
            {
                problem = e.Message;
                notes.Add($"the AI inventory {path} is invalid, so no system counts as declared");
            }
        }
        // Discovery names files relative to the project; findings name them as the scan was given them.
        var discovered = InventoryDiscovery.FromProject(root).Select(u => u.File is null || Path.IsPathRooted(u.File) ? u : u with { File = Path.Combine(root, u.File) });
        var routes = gatewayPath is null ? [] : InventoryDiscovery.FromGatewayConfig(gatewayPath);
        discovered = discovered.Concat(routes);
        if (gateway is not null) discovered = discovered.Concat(InventoryDiscovery.FromGatewayTraffic(gateway.Calls, gateway.Source, routes));
        foreach (var report in discoverReports) discovered = discovered.Concat(InventoryDiscovery.FromDiscoverReport(report));
        return new InventoryEvidence(path, declared, problem, InventoryReconciler.Reconcile(declared, discovered.ToList()));
    }

    /// <summary>The first gateway configuration in the tree (shallowest, then by path), or null.</summary>
    public static string? FindGatewayConfig(string root)
    {
        var level = new List<string> { root };
        for (var depth = 0; depth <= GatewaySearchDepth && level.Count > 0; depth++)
        {
            foreach (var folder in level.Order(StringComparer.Ordinal))
            {
                foreach (var name in GatewayFiles)
                {
                    var candidate = Path.Combine(folder, name);
                    if (File.Exists(candidate)) return candidate;
                }
            }
            level = [.. level.SelectMany(SubFolders)];
        }
        return null;
    }

    private static IEnumerable<string> SubFolders(string folder)
    {
        try
        {
            return Directory.EnumerateDirectories(folder).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
