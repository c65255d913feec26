using System.Diagnostics;

namespace Bulwark.Tests.Governance.Assessment;

/// <summary>Debian's Chromium run headless: a screenshot and the DOM after layout. scripts/test.sh installs it on CI.</summary>
internal static class HeadlessChromium
{
    public static readonly string? Binary = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    public const string MissingMessage = "Chromium is not installed (apt-get install chromium; scripts/test.sh does it when run as root): the report rendering test needs a browser";

    public static void Screenshot(string page, string png, int width, int height) =>
        Run(page, $"--screenshot={png}", $"--window-size={width},{height}");

    public static string DumpDom(string page) => Run(page, "--dump-dom");

    private static string Run(string page, params string[] arguments)
    {
        var start = new ProcessStartInfo(Binary ?? throw new InvalidOperationException(MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Each run gets its own profile so parallel tests and a user's browser do not share state.
        var profile = Directory.CreateTempSubdirectory("bulwark-chromium-");
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", $"--user-data-dir={profile.FullName}" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(new Uri(Path.GetFullPath(page)).AbsoluteUri);
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Chromium did not finish in 2 minutes");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"Chromium exited {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>A fact that is skipped, with a message, where no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Binary is null) Skip = HeadlessChromium.MissingMessage;
    }
}
