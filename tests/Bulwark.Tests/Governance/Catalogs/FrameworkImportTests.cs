using Bulwark.Eval;
using Bulwark.Governance.Catalogs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Catalogs;

public class FrameworkImportTests
{
    private static readonly FrameworkCatalog Catalog = FrameworkCatalog.Embedded;

    [SharedDataFact]
    public void Importing_atlas_yaml_fills_technique_descriptions()
    {
        var imported = Catalog.WithImport("mitre-atlas", Path.Combine(RepositoryPaths.Shared!, "catalogs", "mitre_atlas", "ATLAS.yaml"));
        var atlas = imported.Get("mitre-atlas");
        Assert.All(atlas.Items.Where(i => i.Kind is "technique" or "sub-technique" or "tactic"), i => Assert.False(string.IsNullOrWhiteSpace(i.Description), i.Id));
        Assert.Equal(Catalog.Get("mitre-atlas").Items.Count, atlas.Items.Count);
        Assert.Null(Catalog.Get("mitre-atlas").Find("AML.T0051")!.Description); // the embedded catalog is unchanged
        Assert.Contains("iso-42001:A.6.2.4", imported.Resolve(["atlas:AML.T0051"]).Select(r => r.Tag)); // crosswalks survive
    }

    [SharedDataFact]
    public void Importing_the_nist_core_json_and_600_1_actions_fills_texts()
    {
        var shared = Path.Combine(RepositoryPaths.Shared!, "catalogs");
        var imported = Catalog.WithImport("nist-ai-rmf", Path.Combine(shared, "nist_ai_rmf", "nist_ai_rmf_1.0_core.json"))
            .WithImport("nist-ai-600-1", Path.Combine(shared, "nist_ai_600_1", "nist_ai_rmf_actions_data.yaml"))
            .WithImport("owasp-llm-2025", Path.Combine(shared, "owasp_llm_top10_2025", "owasp_llm_top10_2025.csv"));
        Assert.All(imported.Get("nist-ai-rmf").Controls, i => Assert.NotNull(i.Description));
        Assert.StartsWith("Align GAI development", imported.Get("nist-ai-600-1").Find("GV-1.1-001")!.Description, StringComparison.Ordinal);
        Assert.StartsWith("A Prompt Injection", imported.Get("owasp-llm-2025").Find("LLM01")!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_csv_fills_descriptions_or_creates_a_framework()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("owasp.csv", "id,title,description\nLLM01,Prompt Injection,\"Full text, with a comma\"\n");
        Assert.Equal("Full text, with a comma", Catalog.WithImport("owasp-llm-2025", file).Get("owasp-llm-2025").Find("LLM01")!.Description);

        var custom = Catalog.WithImport("acme-policy", dir.Write("acme.csv", "id,title,description\nAC-1,Keep logs,Logs are kept 90 days\n"));
        var acme = custom.Get("acme-policy");
        Assert.Equal("acme-policy:", acme.TagPrefix);
        Assert.Equal("AC-1", Assert.Single(acme.Controls).Id);
        Assert.Equal("Keep logs", Assert.Single(custom.Resolve(["acme-policy:AC-1"])).Item.Title);
    }

    [Theory]
    [InlineData("bad.csv", "id,title,description\nLLM01,Prompt Injection\n", "bad.csv:2:")]
    [InlineData("bad.csv", "id,title,description\nLLM01,x,y\nLLM02,\"never closed,z\n", "bad.csv:3:")]
    [InlineData("bad.yaml", "risks:\n  - id: LLM01\n    description: [not, a, scalar]\n", "bad.yaml:3:")]
    [InlineData("bad.yaml", "risks:\n  - id: LLM01\n    description: \"open\n  - id: x\n", "bad.yaml:")]
    [InlineData("bad.json", "{\"functions\": [ {\"id\": \"GOVERN\",, } ]}", "bad.json:1:")]
    [InlineData("header.csv", "name,text\na,b\n", "header.csv:1:")]
    [InlineData("alias.yaml", "a: &x [{id: LLM01, description: d}]\nrisks: [*x, *x, *x]\n", "alias.yaml:2:")]
    [InlineData("stray.yaml", "risks:\n  - id: LLM01\n    description: \u00c0\u0000: x\n", "stray.yaml:")]
    public void A_malformed_file_is_refused_naming_file_and_line(string name, string content, string expected)
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<BulwarkInputException>(() => Catalog.WithImport("owasp-llm-2025", dir.Write(name, content)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_for_another_framework_is_refused()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<BulwarkInputException>(() => Catalog.WithImport("iso-42001", dir.Write("x.csv", "id,description\nLLM01,text\n")));
        Assert.Contains("right file", e.Message, StringComparison.Ordinal);
        Assert.Throws<BulwarkInputException>(() => Catalog.WithImport("Not An Id", dir.Write("y.csv", "id,description\nA,b\n")));
        Assert.Throws<BulwarkInputException>(() => Catalog.WithImport("mitre-atlas", dir.Combine("missing.yaml")));
    }
}
