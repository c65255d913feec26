using Bulwark.Governance.Inventory;

namespace Bulwark.Tests.Governance.Inventory;

public class InventoryReconcilerTests
{
    private static DeclaredSystem System(string id, string[] providers, DeclaredModel[]? models = null, string[]? paths = null, string[]? domains = null, int line = 1) =>
        new(id, id.ToUpperInvariant(), "Team", "Purpose", [], EuAiActTier.Limited, null, models ?? [], providers, [], [], null, line)
        {
            CodePaths = paths ?? [],
            Domains = domains ?? [],
        };

    private static DiscoveredAiUse Sdk(string name, string provider, string file, int line) => new(DiscoverySource.CodeSdk, name, provider, "import " + name, file, line);

    [Fact]
    public void Declared_undeclared_and_not_observed_in_a_deterministic_order()
    {
        var inventory = new AiInventory("inv.yaml",
        [
            System("bot", ["OpenAI"]),
            System("unused", ["cohere"]),
        ]);
        DiscoveredAiUse[] uses =
        [
            Sdk("anthropic", "Anthropic", "b.py", 3),
            Sdk("openai", "OpenAI", "a.py", 1),
            Sdk("anthropic", "Anthropic", "a.py", 2),
            new(DiscoverySource.ModelFile, "m.pkl", null, "pickle", "models/m.pkl", null),
            Sdk("groq", "Groq", "c.py", 1),
        ];
        var report = InventoryReconciler.Reconcile(inventory, uses);
        Assert.Equal(["Anthropic:Undeclared", "Groq:Undeclared", "Model files in models/:Undeclared", "BOT:Declared", "UNUSED:NotObserved"],
            report.Entries.Select(e => $"{e.Name}:{e.Status}"));
        Assert.Equal(["a.py:2", "b.py:3"], report.Entries[0].Discovered.Select(InventoryReportWriter.Where));
        Assert.Equal("bot", report.Entries[3].Declared!.Id);
        Assert.Empty(report.Entries[4].Discovered);
        Assert.Equal(3, report.Undeclared.Count());
        Assert.True(report.HasUndeclared);

        var reversed = InventoryReconciler.Reconcile(inventory, uses.Reverse());
        Assert.Equal(report.Entries.Select(e => (e.Name, e.Status, string.Join(",", e.Discovered))), reversed.Entries.Select(e => (e.Name, e.Status, string.Join(",", e.Discovered))));
    }

    [Fact]
    public void One_undeclared_provider_in_five_files_is_one_entry_with_five_evidences()
    {
        var uses = Enumerable.Range(1, 5).Select(i => Sdk(i % 2 == 0 ? "@anthropic-ai/sdk" : "anthropic", i % 2 == 0 ? "anthropic" : "Anthropic", $"f{i}.py", i));
        var entry = Assert.Single(InventoryReconciler.Reconcile(null, uses).Entries);
        Assert.Equal(("Anthropic", InventoryStatus.Undeclared, 5), (entry.Name, entry.Status, entry.Discovered.Count));
    }

    [Fact]
    public void Providers_match_by_id_name_or_alias_in_any_spelling()
    {
        var inventory = new AiInventory("i", [System("rag", ["Hugging Face", "claude", "GEMINI"])]);
        var report = InventoryReconciler.Reconcile(inventory,
        [
            Sdk("huggingface_hub", "Hugging Face", "a.py", 1),
            Sdk("anthropic", "Anthropic", "a.py", 2),
            Sdk("google.genai", "Google Gemini", "a.py", 3),
        ]);
        var entry = Assert.Single(report.Entries);
        Assert.Equal((InventoryStatus.Declared, 3), (entry.Status, entry.Discovered.Count));
    }

    [Fact]
    public void Model_names_domains_and_code_paths_pick_one_system_per_use()
    {
        var inventory = new AiInventory("i",
        [
            System("chat", ["openai"], paths: ["apps/chat"]),
            System("search", ["openai"], paths: ["apps/search"]),
            System("local", [], models: [new DeclaredModel("router", null)]),
            System("edge", [], domains: ["example-ai.com"]),
            System("vision", [], paths: ["vision/"]),
        ]);
        var report = InventoryReconciler.Reconcile(inventory,
        [
            Sdk("openai", "OpenAI", "apps/search/q.py", 1),
            Sdk("openai", "OpenAI", "apps/chat/c.py", 1),
            Sdk("openai", "OpenAI", "tools/x.py", 1),
            new(DiscoverySource.ModelFile, "router.onnx", null, "ONNX", "m/router.onnx", null),
            new(DiscoverySource.CodeEndpoint, "api.example-ai.com", "Example", "https://api.example-ai.com", "c.yaml", 2),
            new(DiscoverySource.ModelFile, "yolo.pt", null, "PyTorch", "vision/weights/yolo.pt", null),
            Sdk("anthropic", "Anthropic", "vision/x.py", 1),
        ]);
        string Files(string id) => string.Join(",", report.Entries.Single(e => e.Declared?.Id == id).Discovered.Select(u => u.File));
        Assert.Equal("apps/chat/c.py,tools/x.py", Files("chat"));
        Assert.Equal("apps/search/q.py", Files("search"));
        Assert.Equal("m/router.onnx", Files("local"));
        Assert.Equal("c.yaml", Files("edge"));
        Assert.Equal("vision/weights/yolo.pt", Files("vision"));
        // A code path never declares a provider its system does not list.
        Assert.Equal("Anthropic", Assert.Single(report.Undeclared).Name);
    }

    [Fact]
    public void Without_an_inventory_everything_is_undeclared_and_gateway_routes_without_a_provider_stand_alone()
    {
        var report = InventoryReconciler.Reconcile(null,
        [
            new(DiscoverySource.GatewayModel, "demo", null, "route", "gw.yaml", 3),
            new(DiscoverySource.ShadowAi, "DeepSeek", "DeepSeek", "network logs", "d.json", null),
        ]);
        Assert.Null(report.InventoryPath);
        Assert.Equal(["DeepSeek", "Gateway model 'demo'"], report.Entries.Select(e => e.Name));
        Assert.All(report.Entries, e => Assert.Equal(InventoryStatus.Undeclared, e.Status));
    }

    [Fact]
    public void The_sample_project_shows_its_undeclared_ai_exactly()
    {
        var root = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "insecure-genai-app");
        var inventory = AiInventoryReader.ReadFile(Path.Combine(root, AiInventoryReader.FileName));
        var report = InventoryReconciler.Reconcile(inventory, InventoryDiscovery.FromProject(root));
        var lines = report.Entries.Select(e => $"{e.Status} {e.Name}: " + string.Join("; ", e.Discovered.Select(u => $"{InventoryReportWriter.SourceName(u.Source)} {InventoryReportWriter.Where(u)} {u.Name}"))).ToList();
        string[] expected =
        [
            "Undeclared Anthropic: provider-key .env.example:3 ANTHROPIC_API_KEY; code-sdk app/llm_client.py:4 anthropic; provider-key app/settings.py:6 ANTHROPIC_API_KEY; "
                + "provider-key docker-compose.yml:9 ANTHROPIC_API_KEY; code-sdk requirements.txt:4 anthropic",
            "Undeclared Azure OpenAI: code-endpoint config/settings.yaml:11 acme-eastus2.openai.azure.com",
            "Undeclared Groq: provider-key .env:2 GROQ_API_KEY; provider-key .env.example:4 GROQ_API_KEY",
            "Undeclared Model files in models/: model-file models/intent-router.keras intent-router.keras; model-file models/sentiment-classifier.pkl sentiment-classifier.pkl",
            "Undeclared Ollama: code-endpoint deploy/compose/docker-compose.ai.yml:10 ollama:11434",
            "Undeclared OpenRouter: provider-key .env:6 OPENROUTER_API_KEY",
            "Undeclared Perplexity AI: provider-key .env:5 PERPLEXITY_API_KEY",
            "Undeclared Replicate: provider-key .env:3 REPLICATE_API_TOKEN; provider-key .env.example:5 REPLICATE_API_TOKEN",
            "Undeclared xAI: provider-key .env:4 XAI_API_KEY",
            "Declared Customer support bot: provider-key .env.example:2 OPENAI_API_KEY; provider-key .env.example:6 HF_TOKEN; code-sdk app/llm_client.py:5 openai; "
                + "provider-key app/llm_client.py:21 OPENAI_API_KEY; code-sdk app/rag/embeddings.py:2 huggingface_hub; code-sdk app/rag/embeddings.py:3 pinecone; "
                + "provider-key app/settings.py:5 OPENAI_API_KEY; provider-key app/tracing.py:6 LANGCHAIN_API_KEY; code-endpoint deploy/gateway/bulwark-gateway.yaml:9 api.openai.com; "
                + "provider-key docker-compose.yml:8 OPENAI_API_KEY; code-sdk notebooks/prompt_experiments.ipynb:17 openai; provider-key notebooks/prompt_experiments.ipynb:19 OPENAI_API_KEY; "
                + "code-sdk requirements.txt:3 openai; code-sdk requirements.txt:5 huggingface_hub; code-sdk requirements.txt:6 pinecone; code-sdk requirements.txt:7 langsmith; "
                + "provider-key tests/test_llm_client.py:8 OPENAI_API_KEY",
        ];
        Assert.Equal(expected, lines);
    }
}
