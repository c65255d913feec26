using System.Diagnostics;

namespace Bulwark.Gateway.Tests;

/// <summary>Child processes for the tests: the real <c>bulwark</c> executable beside the tests, and tools such as curl.</summary>
internal static class ExternalTool
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static bool Exists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, tool)));

    public static Outcome Bulwark(params string[] args) => Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "bulwark.dll"), .. args]);

    /// <summary>Starts <c>bulwark</c> without waiting (the gateway); the caller kills it.</summary>
    public static Process StartBulwark(params string[] args)
    {
        var start = Info("dotnet", [Path.Combine(AppContext.BaseDirectory, "bulwark.dll"), .. args]);
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Starts <c>bulwark</c> without waiting, each line it prints going into <paramref name="lines"/>; the caller kills it.</summary>
    public static Process StartBulwark(System.Collections.Concurrent.ConcurrentQueue<string> lines, params string[] args)
    {
        var process = new Process { StartInfo = Info("dotnet", [Path.Combine(AppContext.BaseDirectory, "bulwark.dll"), .. args]) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Outcome Run(string file, string[] args)
    {
        using var process = Process.Start(Info(file, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 2 minutes");
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProcessStartInfo Info(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = GatewayFixture.RepositoryRoot };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        return start;
    }
}

/// <summary>A fact that needs curl on PATH; skipped with a clear reason where it is absent.</summary>
public sealed class CurlFactAttribute : FactAttribute
{
    public CurlFactAttribute()
    {
        if (!ExternalTool.Exists("curl")) Skip = "curl is not on PATH: the curl walkthrough test is skipped (install curl to run it)";
    }
}
