using Bulwark.Infra;
using Bulwark.Infra.Checks;
using Bulwark.Infra.Workloads;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Infra;

/// <summary>Reading files from text, building workloads and compiling one-rule packs for the infrastructure tests.</summary>
internal static class InfraTestKit
{
    public static InfraFile Read(string path, string text) =>
        InfraFileReader.Read(path, path, text) ?? throw new Xunit.Sdk.XunitException($"{path} was not read as an infrastructure file");

    public static IReadOnlyList<InfraResource> Workloads(params InfraFile[] files) => WorkloadBuilder.Build(files.SelectMany(f => f.Resources).ToList());

    /// <summary>The body of the one workload with this address.</summary>
    public static InfraMap Workload(string address, params InfraFile[] files) => Assert.Single(Workloads(files), w => w.Address == address).Body;

    /// <summary>The only scalar at a path (a test that expects one value fails when there are several).</summary>
    public static InfraScalar Scalar(InfraValue root, string path) => Assert.Single(new InfraPath(path).Scalars(root));

    public static string? TextAt(InfraValue root, string path) => new InfraPath(path).Scalars(root).FirstOrDefault()?.Text;

    public static (string Text, int Line, string? File) Where(InfraValue root, string path)
    {
        var scalar = Scalar(root, path);
        return (scalar.Text, scalar.Line, scalar.File);
    }

    /// <summary>A pack of one infrastructure rule whose <c>check:</c> is the given YAML (written unindented).</summary>
    public static Rule CheckRule(string checkYaml, string id = "BW-INFRA-TEST-CHECK", string source = "test-pack.yaml")
    {
        var check = string.Join("\n", checkYaml.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => "      " + l));
        var pack = $"""
            pack: test-infra
            rules:
              - id: {id}
                name: 'Test check'
                severity: high
                confidence: high
                family: infra
                detector: infra-check
                check:
            {check}
            """;
        return Assert.Single(RulePackLoader.Parse(pack, source).Rules);
    }

    public static IReadOnlyList<Finding> Run(Rule rule, params InfraFile[] files) => new InfraAnalyzer([rule]).Analyze(files);

    private static readonly Lazy<RuleCatalog> Embedded = new(() => RuleCatalog.Load());

    public static IReadOnlyList<Rule> AllRules => Embedded.Value.Rules;

    public static Rule Catalog(string id) => Embedded.Value.Find(id) ?? throw new Xunit.Sdk.XunitException($"no rule {id}");
}
