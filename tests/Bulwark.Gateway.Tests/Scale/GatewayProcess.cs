using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Bulwark.Gateway.Tests.Scale;

/// <summary>
/// A gateway as its own operating-system process (<c>bulwark gateway --config FILE</c>), so tests can run several side
/// by side and kill one with SIGKILL mid-load, as a crash would. Every line it prints is kept for the failure message.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<string> Output { get; } = new();

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>bulwark gateway</c> on <paramref name="config"/> (whose listen port is <paramref name="port"/>) and waits until it is healthy.</summary>
    public static async Task<GatewayProcess> StartAsync(string config, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(config)! };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "bulwark.dll"), "gateway", "--config", config]) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var gateway = new GatewayProcess(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) gateway.Output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) gateway.Output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await gateway.WaitHealthyAsync();
        return gateway;
    }

    private async Task WaitHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"bulwark gateway exited early ({_process.ExitCode}):\n{string.Join('\n', Output)}");
            try
            {
                if ((await client.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // starting, slowly
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"bulwark gateway did not become healthy in 90 s:\n{string.Join('\n', Output)}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no draining; what was not durable is lost.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM: the graceful shutdown an orchestrator asks for (queues drained, then exit).</summary>
    public async Task TerminateAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
