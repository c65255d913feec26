using Bulwark.Governance.Inventory;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Inventory;

public class InventoryDiscoveryTests
{
    /// <summary>A small polyglot project: Python, JS/TS, C#, Go, Java, manifests, configuration and model files.</summary>
    internal static TempDirectory WriteProject()
    {
        var dir = new TempDirectory();
        dir.Write("app/chat.py", "import os\nfrom openai import OpenAI\nimport anthropic, json\nimport google.generativeai as genai\n");
        dir.Write("app/aws.py", "import boto3\nclient = boto3.client(\"bedrock-runtime\")\n");
        dir.Write("web/index.ts", "import OpenAI from \"openai\";\nconst { Anthropic } = require('@anthropic-ai/sdk');\nimport { generateText } from 'ai';\nimport x from './local';\n");
        dir.Write("web/package.json", "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"@google/generative-ai\": \"^0.21.0\",\n    \"left-pad\": \"1.0.0\"\n  }\n}\n");
        dir.Write("svc/Svc.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Azure.AI.OpenAI\" Version=\"2.1.0\" />\n    <PackageReference Include=\"Serilog\" Version=\"4.0.0\" />\n  </ItemGroup>\n</Project>\n");
        dir.Write("svc/Chat.cs", "using System;\nusing Microsoft.SemanticKernel;\nusing OpenAI.Chat;\n");
        dir.Write("go/main.go", "package main\n\nimport (\n\t\"fmt\"\n\topenai \"github.com/sashabaranov/go-openai\"\n)\n");
        dir.Write("jvm/App.java", "package demo;\nimport com.anthropic.client.AnthropicClient;\n");
        dir.Write("requirements.txt", "# deps\nfastapi==0.115\nmistralai>=1.0\nlangchain_core\n");
        dir.Write("pyproject.toml", "[project]\nname = \"demo\"\ndependencies = [\n  \"cohere>=5\",\n  \"requests\",\n]\n");
        dir.Write("config/app.yaml", "llm:\n  base_url: https://user:secret@api.groq.com/openai/v1\n  local: http://localhost:11434/api\n  docs: https://example.com/\n");
        dir.Write("README.md", "See https://api.openai.com/v1 and import openai\n");
        dir.WriteBytes("models/clf.pkl", [0x80, 0x04, 0x95, 0x00, 0x2e]);
        dir.WriteBytes("models/llm.gguf", [.. "GGUF"u8, 3, 0, 0, 0]);
        dir.WriteBytes("models/blob.bin", [1, 2, 3, 4]);
        dir.WriteBytes("models/legacy.h5", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]);
        dir.WriteBytes("models/not-hdf5.h5", [.. "\x89HDF\r\n\x1a\n"u8]);   // a UTF-8 literal: C2 89, not the signature
        dir.WriteBytes("node_modules/openai/index.pkl", [0x80, 0x04, 0x2e]);
        dir.Write("node_modules/openai/index.js", "import OpenAI from 'openai';\n");
        dir.Write(".gitignore", "# outputs\nbuild/\n/generated.py\n");
        dir.Write("build/gen.py", "import openai\n");
        dir.Write("generated.py", "import openai\n");
        dir.Write("sub/.bulwarkignore", "*.ts\n");
        dir.Write("sub/x.ts", "import OpenAI from 'openai';\n");
        dir.Write("sub/generated.py", "import openai\n");
        return dir;
    }

    [Fact]
    public void Finds_each_sdk_endpoint_and_model_file_with_its_file_and_line()
    {
        using var dir = WriteProject();
        var found = InventoryDiscovery.FromProject(dir.Path)
            .Select(u => $"{u.Source} {u.File}:{u.Line} {u.Name} [{u.Provider}] {u.Evidence}").ToList();
        string[] expected =
        [
            "CodeSdk app/aws.py:2 bedrock-runtime [AWS Bedrock] \"bedrock-runtime\"",
            "CodeSdk app/chat.py:2 openai [OpenAI] from openai import",
            "CodeSdk app/chat.py:3 anthropic [Anthropic] import anthropic",
            "CodeSdk app/chat.py:4 google.generativeai [Google Gemini] import google.generativeai",
            "CodeEndpoint config/app.yaml:2 api.groq.com [Groq] https://api.groq.com",
            "CodeEndpoint config/app.yaml:3 localhost:11434 [Ollama] http://localhost:11434",
            "CodeSdk go/main.go:5 github.com/sashabaranov/go-openai [OpenAI] \"github.com/sashabaranov/go-openai\"",
            "CodeSdk jvm/App.java:2 com.anthropic [Anthropic] import com.anthropic.client.AnthropicClient",
            "ModelFile models/clf.pkl: clf.pkl [] pickle model file (5 bytes)",
            "ModelFile models/legacy.h5: legacy.h5 [] HDF5 (Keras) model file (8 bytes)",
            "ModelFile models/llm.gguf: llm.gguf [] GGUF model file (8 bytes)",
            "CodeSdk pyproject.toml:4 cohere [Cohere] cohere",
            "CodeSdk requirements.txt:3 mistralai [Mistral AI] mistralai",
            "CodeSdk requirements.txt:4 langchain_core [LangChain] langchain_core",
            "CodeSdk sub/generated.py:1 openai [OpenAI] import openai",
            "CodeSdk svc/Chat.cs:2 Microsoft.SemanticKernel [Semantic Kernel] using Microsoft.SemanticKernel;",
            "CodeSdk svc/Chat.cs:3 OpenAI [OpenAI] using OpenAI.Chat;",
            "CodeSdk svc/Svc.csproj:3 Azure.AI.OpenAI [Azure OpenAI] Azure.AI.OpenAI",
            "CodeSdk web/index.ts:1 openai [OpenAI] from \"openai\"",
            "CodeSdk web/index.ts:2 @anthropic-ai/sdk [Anthropic] require('@anthropic-ai/sdk'",
            "CodeSdk web/index.ts:3 ai [Vercel AI SDK] from 'ai'",
            "CodeSdk web/package.json:4 @google/generative-ai [Google Gemini] @google/generative-ai",
        ];
        Assert.Equal(expected, found);
        Assert.DoesNotContain(found, f => f.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void A_single_file_can_be_scanned_and_a_missing_path_is_an_input_error()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("one.py", "import litellm\n");
        var use = Assert.Single(InventoryDiscovery.FromProject(file));
        Assert.Equal(("litellm", "LiteLLM", "one.py", 1), (use.Name, use.Provider, use.File, use.Line));
        Assert.Throws<BulwarkInputException>(() => InventoryDiscovery.FromProject(dir.Combine("missing")));
    }

    [Fact]
    public void A_notebook_cell_import_is_found()
    {
        using var dir = new TempDirectory();
        dir.Write("nb.ipynb", "{\n \"cells\": [{\n  \"source\": [\n    \"import os\\n\",\n    \"from anthropic import Anthropic\\n\"\n  ]\n }]\n}\n");
        var use = Assert.Single(InventoryDiscovery.FromProject(dir.Path));
        Assert.Equal(("anthropic", 5), (use.Name, use.Line));
    }

    [Fact]
    public void The_discover_report_inventory_becomes_shadow_ai_uses()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("discover.json", """
            {"tool": "bulwark discover", "services": [],
             "inventory": [
               {"name": "OpenAI API and platform (openai.com)", "service": "openai", "provider": "OpenAI", "category": "model-api", "source": "network-logs", "sanctioned": true, "users": 12, "firstSeen": "2026-01-01T00:00:00Z", "lastSeen": "2026-01-02T00:00:00Z"},
               {"name": "DeepSeek", "service": "deepseek", "provider": "DeepSeek", "category": "chat-assistant", "source": "network-logs", "sanctioned": false, "users": 3},
               {"name": "Azure OpenAI", "service": "azure-openai", "provider": "Microsoft", "users": 1}
             ]}
            """);
        var uses = InventoryDiscovery.FromDiscoverReport(path);
        Assert.All(uses, u => Assert.Equal(DiscoverySource.ShadowAi, u.Source));
        Assert.Equal(["OpenAI", "DeepSeek", "Azure OpenAI"], uses.Select(u => u.Provider));
        Assert.Equal("network logs: service openai, 12 user(s) or host(s), sanctioned, first seen 2026-01-01T00:00:00Z, last seen 2026-01-02T00:00:00Z", uses[0].Evidence);
        Assert.Equal(path, uses[1].File);
    }

    [Fact]
    public void A_report_that_is_not_a_discover_report_is_an_input_error()
    {
        using var dir = new TempDirectory();
        Assert.Contains("no 'inventory' list", Assert.Throws<BulwarkInputException>(() => InventoryDiscovery.FromDiscoverReport(dir.Write("a.json", "{\"x\": 1}"))).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<BulwarkInputException>(() => InventoryDiscovery.FromDiscoverReport(dir.Write("b.json", "{\"inventory\": ["))).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<BulwarkInputException>(() => InventoryDiscovery.FromDiscoverReport(dir.Combine("c.json"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gateway_routes_carry_their_upstream_provider()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("gateway.yaml", """
            listen: http://127.0.0.1:8080
            upstreams:
              - name: openai
                kind: openai
                base-url: https://api.openai.com/v1
              - name: claude
                kind: anthropic
                base-url: https://api.anthropic.com/v1
              - name: local
                kind: openai-compatible
                base-url: http://127.0.0.1:11434/v1
              - name: groq
                kind: openai-compatible
                base-url: https://api.groq.com/openai/v1
            models:
              - name: gpt-4o-mini
                upstream: openai
              - name: claude
                upstream: claude
                upstream-model: claude-sonnet-4-5
              - name: llama
                upstream: local
              - name: fast
                upstream: groq
            """);
        var uses = InventoryDiscovery.FromGatewayConfig(path);
        Assert.Equal(["gpt-4o-mini OpenAI 16", "claude Anthropic 18", "llama Ollama 21", "fast Groq 23"], uses.Select(u => $"{u.Name} {u.Provider} {u.Line}"));
        Assert.Equal("route 'claude' → upstream 'claude' (anthropic, https://api.anthropic.com) as 'claude-sonnet-4-5'", uses[1].Evidence);
    }

    [Fact]
    public void The_sample_gateway_config_reads()
    {
        var path = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "gateway", "gateway.yaml");
        var use = Assert.Single(InventoryDiscovery.FromGatewayConfig(path));
        Assert.Equal(("demo", (string?)null, DiscoverySource.GatewayModel), (use.Name, use.Provider, use.Source));
        Assert.Contains("upstream 'mock' (openai-compatible, http://127.0.0.1:8081) as 'mock-model'", use.Evidence, StringComparison.Ordinal);
    }
}
