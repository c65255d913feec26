using System.Text;
using Bulwark.Governance.Assessment;
using Bulwark.Governance.Inventory;

namespace Bulwark.Tests.Governance.Inventory;

/// <summary>package.json read as JSON, Maven pom.xml dependencies, and AI providers' API-key names as evidence.</summary>
public class ManifestAndProviderKeyDiscoveryTests
{
    private static List<string> Found(TempDirectory dir) =>
        [.. InventoryDiscovery.FromProject(dir.Path).Select(u => $"{u.Source} {u.File}:{u.Line} {u.Name} [{u.Provider}] {u.Evidence}")];

    [Fact]
    public void Package_json_on_one_line_or_minified_shows_every_dependency_section()
    {
        using var dir = new TempDirectory();
        dir.Write("a/package.json", "{\"name\": \"a\", \"dependencies\": {\"openai\": \"^4\"}}\n");
        dir.Write("b/package.json", "{\"name\":\"b\",\"scripts\":{\"openai\":\"node x.js\"},\"devDependencies\":{\"left-pad\":\"1\",\"@anthropic-ai/sdk\":\"1\"},"
            + "\"peerDependencies\":{\"groq-sdk\":\"*\"},\"optionalDependencies\":{\"replicate\":\"1\"},\"config\":{\"dependencies\":{\"cohere-ai\":\"1\"}}}");
        Assert.Equal(
        [
            "CodeSdk a/package.json:1 openai [OpenAI] openai",
            "CodeSdk b/package.json:1 @anthropic-ai/sdk [Anthropic] @anthropic-ai/sdk",
            "CodeSdk b/package.json:1 groq-sdk [Groq] groq-sdk",
            "CodeSdk b/package.json:1 replicate [Replicate] replicate",
        ], Found(dir));
    }

    [Fact]
    public void Package_json_lines_come_from_the_byte_offsets_with_a_bom_crlf_and_multibyte_text()
    {
        using var dir = new TempDirectory();
        var json = "{\r\n  \"description\": \"Zürich — 日本語 ✓\",\r\n  \"dependencies\": {\r\n    \"left-pad\": \"1\",\r\n\r\n    \"openai\": \"^4\"\r\n  },\r\n"
            + "  // a comment\r\n  \"devDependencies\": { \"x\": \"1\",\r\n    \"oai\": \"npm:openai@^4\", \"@google/genai\": \"1\" },\r\n}\r\n";
        dir.WriteBytes("package.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);
        Assert.Equal(
        [
            "CodeSdk package.json:6 openai [OpenAI] openai",
            "CodeSdk package.json:10 @google/genai [Google Gemini] @google/genai",
            "CodeSdk package.json:10 openai [OpenAI] oai (npm:openai)",
        ], Found(dir));
    }

    [Fact]
    public void Malformed_or_deep_package_json_never_throws_and_falls_back_to_the_line_scan()
    {
        using var dir = new TempDirectory();
        // Not JSON (no closing brace), but the line scan still reads the dependency block.
        dir.Write("broken/package.json", "{\n  \"dependencies\": {\n    \"openai\": \"^4\"\n  }\n");
        dir.Write("garbage/package.json", "{{{ \"openai\": ");
        dir.Write("deep/package.json", "{\"dependencies\": {\"openai\": " + new string('[', 10_000) + "}}");
        dir.Write("array/package.json", "[\"openai\"]");
        var found = Found(dir);
        Assert.Equal(["CodeSdk broken/package.json:3 openai [OpenAI] openai"], found);
    }

    [Fact]
    public void Pom_xml_dependencies_match_the_maven_coordinates_on_the_artifact_line()
    {
        using var dir = new TempDirectory();
        dir.Write("svc/pom.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <!-- <dependency><groupId>com.anthropic</groupId><artifactId>anthropic-java</artifactId></dependency> -->
              <groupId>com.openai</groupId>
              <artifactId>openai-java</artifactId>
              <dependencyManagement>
                <dependencies>
                  <dependency>
                    <groupId>dev.langchain4j</groupId>
                    <artifactId>langchain4j</artifactId>
                  </dependency>
                </dependencies>
              </dependencyManagement>
              <dependencies>
                <dependency>
                  <groupId> com.openai </groupId>
                  <artifactId>openai-java</artifactId>
                  <version>1.0.0</version>
                  <exclusions>
                    <exclusion><groupId>com.azure</groupId><artifactId>azure-ai-openai</artifactId></exclusion>
                  </exclusions>
                </dependency>
                <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
                <dependency><artifactId>anthropic-java</artifactId><groupId><![CDATA[com.anthropic]]></groupId></dependency>
              </dependencies>
            </project>
            """);
        Assert.Equal(
        [
            "CodeSdk svc/pom.xml:10 dev.langchain4j:langchain4j [LangChain] dev.langchain4j:langchain4j",
            "CodeSdk svc/pom.xml:17 com.openai:openai-java [OpenAI] com.openai:openai-java",
            "CodeSdk svc/pom.xml:24 com.anthropic:anthropic-java [Anthropic] com.anthropic:anthropic-java",
        ], Found(dir));
    }

    [Fact]
    public void Malformed_pom_xml_keeps_what_came_before_and_a_dtd_is_refused()
    {
        using var dir = new TempDirectory();
        var secret = dir.Write("secret.txt", "com.openai");
        dir.Write("broken/pom.xml", "<project><dependencies>\n<dependency><groupId>com.openai</groupId><artifactId>openai-java</artifactId></dependency>\n<dependency><groupId>com.anthropic</oops>");
        dir.Write("dtd/pom.xml", $"<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY g SYSTEM \"file://{secret}\">]>\n"
            + "<project><dependencies><dependency><groupId>&g;</groupId><artifactId>openai-java</artifactId></dependency></dependencies></project>");
        dir.Write("empty/pom.xml", "");
        Assert.Equal(["CodeSdk broken/pom.xml:2 com.openai:openai-java [OpenAI] com.openai:openai-java"], Found(dir));
    }

    [Fact]
    public void Provider_key_names_are_found_where_they_are_set_or_read_and_their_values_never_kept()
    {
        using var dir = new TempDirectory();
        dir.Write(".env", "# keys\nOPENAI_API_KEY=sk-secret-value-1\nexport ANTHROPIC_API_KEY = \"sk-ant-secret-2\"\nAWS_ACCESS_KEY_ID=AKIA0000\nGOOGLE_API_KEY=AIza-secret-3\nGEMINI_API_KEY=\n");
        dir.Write("deploy/.env.production", "MISTRAL_API_KEY=secret-4\nPROXY=${GROQ_API_KEY}\n");
        dir.Write("docker-compose.yml", "services:\n  app:\n    environment:\n      COHERE_API_KEY: secret-5\n      - HF_TOKEN=secret-6\n      - PINECONE_API_KEY\n"
            + "      - OTHER=${TOGETHER_API_KEY:-x}\n");
        dir.Write("k8s/deploy.yaml", "env:\n  - name: XAI_API_KEY\n    valueFrom:\n      secretKeyRef: {name: ai, key: xai}\n  - name: \"AZURE_OPENAI_ENDPOINT\"\n    value: https://example.com\n");
        dir.Write("Dockerfile", "FROM python:3.12\nARG HUGGINGFACEHUB_API_TOKEN\nENV DEEPSEEK_API_KEY=secret-7 VOYAGE_API_KEY=secret-8\nenv FIREWORKS_API_KEY secret-9\n");
        dir.Write("app/main.py", "import os\nKEY = os.environ[\"REPLICATE_API_TOKEN\"]\nb = os.getenv('OPENROUTER_API_KEY', 'secret-10')\nc = os.environ.get(\"PPLX_API_KEY\")\nOPENAI_API_KEY = \"sk-not-an-env-read\"\n");
        dir.Write("web/app.ts", "const a = process.env.LANGSMITH_API_KEY;\nconst b = process.env[\"PERPLEXITY_API_KEY\"];\nconst c = import.meta.env.GOOGLE_GENERATIVE_AI_API_KEY;\n");
        dir.Write("svc/Keys.cs", "var k = Environment.GetEnvironmentVariable(\"AZURE_OPENAI_API_KEY\");\n");
        dir.Write("go/main.go", "package main\nvar k = os.Getenv(\"CO_API_KEY\")\n");
        dir.Write("jvm/App.java", "String k = System.getenv(\"HUGGING_FACE_HUB_TOKEN\");\n");
        dir.Write("nb.ipynb", "{\"cells\": [{\"source\": [\n\"os.environ[\\\"LANGCHAIN_API_KEY\\\"] = \\\"lsv2-secret-11\\\"\\n\"\n]}]}\n");
        dir.Write("README.md", "Set OPENAI_API_KEY=... and GROQ_API_KEY before running.\n");

        var uses = InventoryDiscovery.FromProject(dir.Path);
        var keys = uses.Where(u => u.Source == DiscoverySource.ProviderKey).Select(u => $"{u.File}:{u.Line} {u.Name} [{u.Provider}] {u.Evidence}").ToList();
        Assert.Equal(
        [
            ".env:2 OPENAI_API_KEY [OpenAI] OPENAI_API_KEY=",
            ".env:3 ANTHROPIC_API_KEY [Anthropic] ANTHROPIC_API_KEY=",
            ".env:6 GEMINI_API_KEY [Google Gemini] GEMINI_API_KEY=",
            "Dockerfile:2 HUGGINGFACEHUB_API_TOKEN [Hugging Face] ARG HUGGINGFACEHUB_API_TOKEN",
            "Dockerfile:3 DEEPSEEK_API_KEY [DeepSeek] ENV DEEPSEEK_API_KEY",
            "Dockerfile:3 VOYAGE_API_KEY [Voyage AI] ENV VOYAGE_API_KEY",
            "Dockerfile:4 FIREWORKS_API_KEY [Fireworks AI] ENV FIREWORKS_API_KEY",
            "app/main.py:2 REPLICATE_API_TOKEN [Replicate] os.environ[\"REPLICATE_API_TOKEN\"]",
            "app/main.py:3 OPENROUTER_API_KEY [OpenRouter] os.getenv('OPENROUTER_API_KEY')",
            "app/main.py:4 PPLX_API_KEY [Perplexity AI] os.environ.get(\"PPLX_API_KEY\")",
            "deploy/.env.production:1 MISTRAL_API_KEY [Mistral AI] MISTRAL_API_KEY=",
            "deploy/.env.production:2 GROQ_API_KEY [Groq] ${GROQ_API_KEY}",
            "docker-compose.yml:4 COHERE_API_KEY [Cohere] COHERE_API_KEY:",
            "docker-compose.yml:5 HF_TOKEN [Hugging Face] HF_TOKEN=",
            "docker-compose.yml:6 PINECONE_API_KEY [Pinecone] - PINECONE_API_KEY",
            "docker-compose.yml:7 TOGETHER_API_KEY [Together AI] ${TOGETHER_API_KEY}",
            "go/main.go:2 CO_API_KEY [Cohere] os.Getenv(\"CO_API_KEY\")",
            "jvm/App.java:1 HUGGING_FACE_HUB_TOKEN [Hugging Face] System.getenv(\"HUGGING_FACE_HUB_TOKEN\")",
            "k8s/deploy.yaml:2 XAI_API_KEY [xAI] name: XAI_API_KEY",
            "k8s/deploy.yaml:5 AZURE_OPENAI_ENDPOINT [Azure OpenAI] name: AZURE_OPENAI_ENDPOINT",
            "nb.ipynb:2 LANGCHAIN_API_KEY [LangSmith] os.environ[\"LANGCHAIN_API_KEY\"]",
            "svc/Keys.cs:1 AZURE_OPENAI_API_KEY [Azure OpenAI] Environment.GetEnvironmentVariable(\"AZURE_OPENAI_API_KEY\")",
            "web/app.ts:1 LANGSMITH_API_KEY [LangSmith] process.env.LANGSMITH_API_KEY",
            "web/app.ts:2 PERPLEXITY_API_KEY [Perplexity AI] process.env[\"PERPLEXITY_API_KEY\"]",
            "web/app.ts:3 GOOGLE_GENERATIVE_AI_API_KEY [Google Gemini] import.meta.env.GOOGLE_GENERATIVE_AI_API_KEY",
        ], keys);
        // The values are secrets: no evidence carries one. GOOGLE_API_KEY (any Google API) and AWS keys are no evidence.
        Assert.DoesNotContain(uses, u => u.Evidence.Contains("secret", StringComparison.Ordinal) || u.Evidence.Contains("sk-", StringComparison.Ordinal) || u.Evidence.Contains("AIza", StringComparison.Ordinal));
        Assert.DoesNotContain(uses, u => u.Name is "GOOGLE_API_KEY" or "AWS_ACCESS_KEY_ID");
    }

    [Fact]
    public void A_provider_key_reports_as_provider_key_and_groups_with_its_provider()
    {
        Assert.Equal("provider-key", InventoryReportWriter.SourceName(DiscoverySource.ProviderKey));
        Assert.Equal("AI provider key name", InventoryChecks.Source(DiscoverySource.ProviderKey));
        Assert.Equal("model at the gateway", InventoryChecks.Source(DiscoverySource.GatewayModel));
        var report = InventoryReconciler.Reconcile(null,
        [
            new(DiscoverySource.ProviderKey, "GROQ_API_KEY", "Groq", "GROQ_API_KEY=", ".env", 2),
            new(DiscoverySource.CodeSdk, "groq", "Groq", "import groq", "a.py", 1),
        ]);
        var entry = Assert.Single(report.Entries);
        Assert.Equal(("Groq", 2), (entry.Name, entry.Discovered.Count));
    }

    [Fact]
    public void The_new_providers_are_shadow_ai_services_and_google_api_key_is_no_evidence()
    {
        var catalog = AiSdkCatalog.Default;
        Assert.Equal("Perplexity AI", catalog.ForService("perplexity")?.Name);
        Assert.Equal("Voyage AI", catalog.ForService("voyage-ai")?.Name);
        Assert.Equal("Google Gemini", catalog.EnvVar("GEMINI_API_KEY")?.Name);
        Assert.Null(catalog.EnvVar("GOOGLE_API_KEY"));
        Assert.Null(catalog.EnvVar("openai_api_key"));
        foreach (var id in new[] { "perplexity", "fireworks-ai", "deepseek", "voyage-ai", "groq", "xai-api", "openrouter", "replicate" })
            Assert.NotNull(Bulwark.Governance.ShadowAi.GenAiCatalog.Default.Services.FirstOrDefault(s => s.Id == id));
    }
}

/// <summary>Truncated and mutated package.json and pom.xml files: discovery answers, never throws.</summary>
public class ManifestFuzzTests
{
    private const string PackageJson = "{\n  \"name\": \"x\",\n  \"dependencies\": {\"openai\": \"^4\", \"oai\": \"npm:@anthropic-ai/sdk@1\"},\n  \"devDependencies\": {\n    \"groq-sdk\": \"1\"\n  }\n}\n";

    private const string Pom = "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <dependencies>\n    <dependency>\n      <groupId>com.openai</groupId>\n"
        + "      <artifactId>openai-java</artifactId>\n    </dependency>\n    <dependency><groupId><![CDATA[com.anthropic]]></groupId><artifactId>anthropic-java</artifactId></dependency>\n  </dependencies>\n</project>\n";

    [Fact]
    public void Truncated_and_mutated_manifests_never_throw()
    {
        using var dir = new TempDirectory();
        var random = new Random(20261124);
        const string alphabet = "{}[]<>\"':,/!&;\\\n \u00e9\uFEFF-?";
        var n = 0;
        foreach (var (name, valid) in new[] { ("package.json", PackageJson), ("pom.xml", Pom) })
        {
            for (var length = 0; length <= valid.Length; length += 5) dir.Write($"t{n++}/{name}", valid[..length]);
            for (var i = 0; i < 300; i++)
            {
                var chars = valid.ToCharArray();
                for (var flips = random.Next(1, 6); flips > 0; flips--) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
                dir.Write($"m{n++}/{name}", new string(chars));
            }
        }
        var uses = InventoryDiscovery.FromProject(dir.Path);
        Assert.All(uses, u => Assert.True(u.Line is > 0 and <= 12, $"{u.File}:{u.Line}"));
        Assert.Contains(uses, u => u.Name == "com.anthropic:anthropic-java");
        Assert.Contains(uses, u => u.Name == "@anthropic-ai/sdk");
    }
}
