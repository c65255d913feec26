using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Bulwark.Infra.Probe;
using Bulwark.Kernel;

namespace Bulwark.Tests.Infra.Probe;

/// <summary>The probe against loopback servers that answer as the real products do, open and with authentication on.</summary>
public sealed class AiServiceProbeTests
{
    private static readonly ProbeOptions Quick = new() { Timeout = TimeSpan.FromSeconds(2) };

    private static readonly Dictionary<string, (Func<FakeHttpServer> Start, string Id, string? Version, AuthenticationState Authentication)> Services = new()
    {
        ["ollama"] = (FakeAiServices.Ollama, "ollama", "0.5.7", AuthenticationState.None),
        ["vllm"] = (() => FakeAiServices.Vllm(apiKey: false), "vllm", "0.6.6.post1", AuthenticationState.None),
        ["vllm with --api-key"] = (() => FakeAiServices.Vllm(apiKey: true), "vllm", "0.6.6.post1", AuthenticationState.Required),
        ["llama.cpp"] = (() => FakeAiServices.LlamaCpp(apiKey: false), "llamacpp", "b4514-6171c9d2", AuthenticationState.None),
        ["llama.cpp with --api-key"] = (() => FakeAiServices.LlamaCpp(apiKey: true), "llamacpp", null, AuthenticationState.Required),
        ["localai"] = (() => FakeAiServices.LocalAi(apiKey: false), "localai", "v2.24.2 (4cbc0ab4ea5e8bd2f61ba16f54e30f6b32f4d398)", AuthenticationState.None),
        ["localai with API_KEY"] = (() => FakeAiServices.LocalAi(apiKey: true), "localai", null, AuthenticationState.Required),
        ["tgi"] = (FakeAiServices.Tgi, "tgi", "3.0.1", AuthenticationState.None),
        ["ray"] = (FakeAiServices.Ray, "ray", "2.40.0", AuthenticationState.None),
        ["mlflow"] = (() => FakeAiServices.Mlflow(auth: false), "mlflow", "2.19.0", AuthenticationState.None),
        ["mlflow with basic-auth"] = (() => FakeAiServices.Mlflow(auth: true), "mlflow", null, AuthenticationState.Required),
        ["jupyter without token"] = (() => FakeAiServices.Jupyter(token: false), "jupyter", "2.15.0", AuthenticationState.None),
        ["jupyter with token"] = (() => FakeAiServices.Jupyter(token: true), "jupyter", "2.15.0", AuthenticationState.Required),
        ["gradio"] = (() => FakeAiServices.Gradio(auth: false), "gradio", "4.44.1", AuthenticationState.None),
        ["gradio with auth"] = (() => FakeAiServices.Gradio(auth: true), "gradio", null, AuthenticationState.Required),
        ["comfyui"] = (FakeAiServices.ComfyUi, "comfyui", "0.3.10", AuthenticationState.None),
        ["langflow with auto login"] = (() => FakeAiServices.Langflow(autoLogin: true), "langflow", "1.1.1", AuthenticationState.None),
        ["langflow without auto login"] = (() => FakeAiServices.Langflow(autoLogin: false), "langflow", "1.1.1", AuthenticationState.Required),
        ["flowise"] = (() => FakeAiServices.Flowise(auth: false), "flowise", "2.2.3", AuthenticationState.None),
        ["flowise with auth"] = (() => FakeAiServices.Flowise(auth: true), "flowise", "2.2.3", AuthenticationState.Required),
        ["open-webui with auth"] = (() => FakeAiServices.OpenWebUi(auth: true), "open-webui", "0.5.4", AuthenticationState.Required),
        ["open-webui without auth"] = (() => FakeAiServices.OpenWebUi(auth: false), "open-webui", "0.5.4", AuthenticationState.None),
        ["triton"] = (FakeAiServices.Triton, "triton", "2.53.0", AuthenticationState.None),
        ["torchserve"] = (() => FakeAiServices.TorchServe(token: false), "torchserve", "0.12.0", AuthenticationState.None),
        ["torchserve with token authorization"] = (() => FakeAiServices.TorchServe(token: true), "torchserve", null, AuthenticationState.Required),
        ["kubeflow behind oauth2-proxy"] = (FakeAiServices.Kubeflow, "kubeflow", "2.3.0", AuthenticationState.Required),
        ["qdrant"] = (() => FakeAiServices.Qdrant(apiKey: false), "qdrant", "1.12.5", AuthenticationState.None),
        ["qdrant with api-key"] = (() => FakeAiServices.Qdrant(apiKey: true), "qdrant", null, AuthenticationState.Required),
        ["milvus"] = (FakeAiServices.Milvus, "milvus", null, AuthenticationState.None),
        ["chroma"] = (FakeAiServices.Chroma, "chroma", "1.0.0", AuthenticationState.None),
        ["weaviate"] = (() => FakeAiServices.Weaviate(apiKey: false), "weaviate", "1.28.2", AuthenticationState.None),
        ["weaviate with api key"] = (() => FakeAiServices.Weaviate(apiKey: true), "weaviate", null, AuthenticationState.Required),
        ["elasticsearch"] = (() => FakeAiServices.Elasticsearch(security: false), "elasticsearch", "8.17.0", AuthenticationState.None),
        ["elasticsearch with security"] = (() => FakeAiServices.Elasticsearch(security: true), "elasticsearch", null, AuthenticationState.Required),
        ["opensearch"] = (FakeAiServices.OpenSearch, "opensearch", "2.18.0", AuthenticationState.None),
        ["openai-compatible"] = (() => FakeAiServices.OpenAiCompatible(apiKey: false), "openai-compatible", null, AuthenticationState.None),
        ["openai-compatible with key"] = (() => FakeAiServices.OpenAiCompatible(apiKey: true), "openai-compatible", null, AuthenticationState.Required),
    };

    public static TheoryData<string> ServiceCases() => [.. Services.Keys];

    [Theory]
    [MemberData(nameof(ServiceCases))]
    public async Task Identifies_the_service_its_version_and_whether_it_demands_authentication(string name)
    {
        var (start, id, version, authentication) = Services[name];
        await using var server = start();
        using var probe = new AiServiceProbe(Quick);
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", server.Port));

        var evidence = string.Join("\n", result.Evidence);
        Assert.True(result.State == EndpointState.Identified, $"{name}: {result.State} {result.Detail}\n{evidence}");
        Assert.Equal(id, result.Service!.Id);
        Assert.Equal(version, result.Version);
        Assert.True(authentication == result.Authentication, $"{name}: authentication {result.Authentication}, expected {authentication}\n{evidence}");
        Assert.StartsWith("identified by", result.Evidence[0].Note, StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Contains("Bulwark", r.Headers["User-Agent"], StringComparison.Ordinal));
    }

    [Fact]
    public void The_cases_above_cover_every_service_of_the_catalog()
    {
        var tested = Services.Values.Select(s => s.Id).ToHashSet();
        var untested = FingerprintCatalog.Default.Services.Select(s => s.Id).Except(tested).ToList();
        Assert.True(untested.Count == 0, "untested: " + string.Join(", ", untested));
    }

    [Fact]
    public async Task Several_endpoints_are_probed_concurrently_and_come_back_in_target_order()
    {
        await using var ollama = FakeAiServices.Ollama();
        await using var qdrant = FakeAiServices.Qdrant(apiKey: true);
        await using var nginx = FakeAiServices.Nginx();
        var closedPort = FreePort();
        using var probe = new AiServiceProbe(Quick with { Concurrency = 3 });
        var targets = new[] { ollama.Port, qdrant.Port, nginx.Port, closedPort }.Select(p => new ProbeTarget("127.0.0.1", p)).ToList();
        var reported = 0;
        var results = await probe.ProbeAsync(targets, new Progress<EndpointResult>(_ => Interlocked.Increment(ref reported)));

        Assert.Equal(targets, results.Select(r => r.Target));
        Assert.Equal([EndpointState.Identified, EndpointState.Identified, EndpointState.Http, EndpointState.Closed], results.Select(r => r.State));
        var findings = ProbeFindings.From(results);
        var finding = Assert.Single(findings);
        Assert.Equal(ProbeFindings.RuleId, finding.RuleId);
        Assert.Equal($"http://127.0.0.1:{ollama.Port}/", finding.Location.Path);
    }

    [Fact]
    public async Task A_web_server_that_is_not_an_AI_service_is_plain_http()
    {
        await using var nginx = FakeAiServices.Nginx();
        using var probe = new AiServiceProbe(Quick);
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", nginx.Port));
        Assert.Equal(EndpointState.Http, result.State);
        Assert.Null(result.Service);
        Assert.Equal(AuthenticationState.Unknown, result.Authentication);
        Assert.Equal(200, Assert.Single(result.Evidence).Status);
        Assert.Empty(ProbeFindings.From([result]));
    }

    [Fact]
    public async Task A_closed_port_is_closed_after_one_attempt()
    {
        using var probe = new AiServiceProbe(Quick);
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", FreePort()));
        Assert.Equal(EndpointState.Closed, result.State);
        Assert.Equal("connection refused", result.Detail);
        Assert.Equal(1, result.Requests);
    }

    [Fact]
    public async Task A_port_that_does_not_speak_http_gets_one_request()
    {
        await using var ssh = new FakeHttpServer();
        ssh.Raw = async (stream, token) => await stream.WriteAsync("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n"u8.ToArray(), token);
        using var probe = new AiServiceProbe(Quick);
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", ssh.Port));
        Assert.Equal(EndpointState.NoAnswer, result.State);
        Assert.Equal("no HTTP answer", result.Detail);
        Assert.Equal(1, result.Requests);
    }

    [Fact]
    public async Task A_server_that_trickles_bytes_costs_one_timeout()
    {
        await using var slow = new FakeHttpServer();
        slow.Raw = Trickle;
        using var probe = new AiServiceProbe(Quick with { Timeout = TimeSpan.FromMilliseconds(400) });
        var clock = Stopwatch.StartNew();
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", slow.Port));
        Assert.Equal(EndpointState.NoAnswer, result.State);
        Assert.Equal("timed out", result.Detail);
        Assert.Equal(1, result.Requests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_answers_once_then_trickles_is_given_up_after_two_failures()
    {
        await using var flaky = new FakeHttpServer();
        var connections = 0;
        flaky.Raw = async (stream, token) =>
        {
            if (Interlocked.Increment(ref connections) > 1)
            {
                await Trickle(stream, token);
                return;
            }
            await FakeHttpServer.ReadRequest(stream);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"u8.ToArray(), token);
        };
        using var probe = new AiServiceProbe(Quick with { Timeout = TimeSpan.FromMilliseconds(300) });
        var clock = Stopwatch.StartNew();
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", flaky.Port));
        Assert.Equal(EndpointState.Http, result.State);
        Assert.Equal("stopped after repeated failures", result.Detail);
        Assert.Equal(3, result.Requests);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_ten_megabyte_body_is_read_only_to_the_limit()
    {
        await using var huge = new FakeHttpServer();
        huge.Raw = HugeBody;
        var options = Quick with { MaxBodyBytes = 64 * 1024 };
        using (var client = new BoundedHttpClient(options))
        {
            var fetched = await client.SendAsync(new Uri($"http://127.0.0.1:{huge.Port}/"), new ProbeRequest("GET", "/"), CancellationToken.None);
            var response = Assert.IsType<ProbeResponse>(fetched.Response);
            Assert.True(response.Truncated);
            Assert.Equal(64 * 1024, response.Body.Length);
            Assert.Null(response.Json);
        }
        using var probe = new AiServiceProbe(options);
        var clock = Stopwatch.StartNew();
        var result = await probe.ProbeEndpointAsync(new ProbeTarget("127.0.0.1", huge.Port));
        Assert.Equal(EndpointState.Http, result.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Findings_are_critical_where_open_access_runs_code_and_carry_the_catalog_tags()
    {
        await using var ray = FakeAiServices.Ray();
        await using var tgi = FakeAiServices.Tgi();
        using var probe = new AiServiceProbe(Quick);
        var results = await probe.ProbeAsync([new ProbeTarget("127.0.0.1", ray.Port), new ProbeTarget("127.0.0.1", tgi.Port)]);
        var findings = ProbeFindings.From(results);
        Assert.Equal([Severity.Critical, Severity.High], findings.Select(f => f.Severity));
        Assert.All(findings, f =>
        {
            Assert.Equal(Pillar.Infrastructure, f.Pillar);
            Assert.Equal(["cwe:CWE-306", "atlas:AML.T0049"], f.Tags);
            Assert.Equal(1, f.Location.Line);
            Assert.Contains("without authentication", f.Message, StringComparison.Ordinal);
        });
        Assert.Contains("GET /api/jobs/", findings[0].Evidence, StringComparison.Ordinal);
    }

    private static async Task Trickle(NetworkStream stream, CancellationToken token)
    {
        await FakeHttpServer.ReadRequest(stream);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"u8.ToArray(), token);
        for (var i = 0; i < 200 && !token.IsCancellationRequested; i++)
        {
            await stream.WriteAsync("x"u8.ToArray(), token);
            await Task.Delay(100, token);
        }
    }

    private static async Task HugeBody(NetworkStream stream, CancellationToken token)
    {
        await FakeHttpServer.ReadRequest(stream);
        const int size = 10 * 1024 * 1024;
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"), token);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'[');
        for (var sent = 0; sent < size; sent += chunk.Length) await stream.WriteAsync(chunk, token);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
