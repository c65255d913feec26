using System.Reflection;
using NetArchTest.Rules;

namespace Bulwark.ArchitectureTests;

/// <summary>
/// The boundaries of docs/design.md: pillars depend on Kernel, Text and Reporting, never on each other; the
/// kernel depends on nothing of ours; hosts hold no detection logic; the library never touches the console.
/// </summary>
public class BoundaryTests
{
    private static readonly Assembly Core = typeof(Bulwark.Kernel.Finding).Assembly;
    private static readonly Assembly Cli = Assembly.Load("bulwark");
    private static readonly Assembly Gateway = typeof(Bulwark.Gateway.GatewayApp).Assembly;

    private static readonly string[] Pillars = ["Bulwark.Data", "Bulwark.Models", "Bulwark.Usage", "Bulwark.Infra", "Bulwark.Governance"];

    public static TheoryData<string> PillarNamespaces() => [.. Pillars];

    [Theory]
    [MemberData(nameof(PillarNamespaces))]
    public void A_pillar_does_not_depend_on_another_pillar_or_on_the_scan_orchestration(string pillar)
    {
        var others = Pillars.Where(p => p != pillar).Append("Bulwark.Scanning").ToArray();
        AssertHolds(Types.InAssembly(Core).That().ResideInNamespace(pillar).ShouldNot().HaveDependencyOnAny(others).GetResult());
    }

    [Fact]
    public void Governance_reads_findings_and_does_not_call_the_text_engine()
    {
        AssertHolds(Types.InAssembly(Core).That().ResideInNamespace("Bulwark.Governance").ShouldNot().HaveDependencyOn("Bulwark.Text").GetResult());
    }

    [Fact]
    public void The_kernel_depends_on_nothing_else_of_ours()
    {
        AssertHolds(Types.InAssembly(Core).That().ResideInNamespace("Bulwark.Kernel").ShouldNot()
            .HaveDependencyOnAny([.. Pillars, "Bulwark.Text", "Bulwark.Reporting", "Bulwark.Scanning"]).GetResult());
    }

    [Fact]
    public void The_text_engine_depends_only_on_the_kernel()
    {
        AssertHolds(Types.InAssembly(Core).That().ResideInNamespace("Bulwark.Text").ShouldNot()
            .HaveDependencyOnAny([.. Pillars, "Bulwark.Reporting", "Bulwark.Scanning"]).GetResult());
    }

    [Fact]
    public void Reporting_depends_only_on_the_kernel()
    {
        AssertHolds(Types.InAssembly(Core).That().ResideInNamespace("Bulwark.Reporting").ShouldNot()
            .HaveDependencyOnAny([.. Pillars, "Bulwark.Text", "Bulwark.Scanning"]).GetResult());
    }

    [Fact]
    public void The_library_never_writes_to_the_console_nor_knows_its_hosts()
    {
        AssertHolds(Types.InAssembly(Core).ShouldNot()
            .HaveDependencyOnAny("System.Console", "Spectre.Console", "System.CommandLine", "Microsoft.AspNetCore").GetResult());
    }

    [Fact]
    public void The_cli_holds_no_detection_logic()
    {
        // Hosts parse, call the library and render: no regular expressions, no pattern engine of their own.
        AssertHolds(Types.InAssembly(Cli).ShouldNot()
            .HaveDependencyOnAny("System.Text.RegularExpressions", "Bulwark.Text.LiteralPrefilter", "Bulwark.Text.PatternCompiler").GetResult());
    }

    [Fact]
    public void The_gateway_holds_no_detection_logic()
    {
        // The gateway composes the library's guards and anonymiser; patterns and pattern engines stay in the library.
        AssertHolds(Types.InAssembly(Gateway).ShouldNot()
            .HaveDependencyOnAny("System.Text.RegularExpressions", "Bulwark.Text.LiteralPrefilter", "Bulwark.Text.PatternCompiler", "Bulwark.Text.PatternEngine").GetResult());
    }

    [Fact]
    public void The_core_library_does_not_reference_aspnet_or_the_gateway()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.DoesNotContain(references, n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || n.StartsWith("Yarp", StringComparison.Ordinal) || n == Gateway.GetName().Name);
        AssertHolds(Types.InAssembly(Core).ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "Yarp", "Bulwark.Gateway").GetResult());
    }

    [Fact]
    public void Every_pillar_has_its_folder_in_the_tree()
    {
        var root = FindRoot();
        foreach (var folder in new[] { "Kernel", "Text", "Data", "Models", "Usage", "Infra", "Governance", "Reporting", "Rules" })
        {
            Assert.True(Directory.Exists(Path.Combine(root, "src", "Bulwark", folder)), $"src/Bulwark/{folder} is missing");
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Bulwark.slnx"))) return d.FullName;
        }
        throw new InvalidOperationException("repository root not found");
    }

    private static void AssertHolds(TestResult result) =>
        Assert.True(result.IsSuccessful, "violations: " + string.Join(", ", result.FailingTypeNames ?? []));
}
