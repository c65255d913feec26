using System.Diagnostics;

namespace Bulwark.Tests.Cli;

/// <summary>Runs the real <c>bulwark</c> executable (built beside the tests) as a child process.</summary>
internal static class BulwarkProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Asserts the exit code, showing stderr when it differs.</summary>
        public Outcome Expect(int exitCode)
        {
            Assert.True(ExitCode == exitCode, $"exit code {ExitCode}, expected {exitCode}; stderr:\n{Stderr}");
            return this;
        }
    }

    public static Outcome Run(string[] args, string? stdin = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Bulwark.Eval.RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bulwark.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("bulwark did not finish in 2 minutes: " + string.Join(' ', args));
        }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Outcome Run(params string[] args) => Run(args, null);
}
