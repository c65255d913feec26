using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Eval;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Infra;

/// <summary>
/// <c>bulwark scan</c> on the sample app reports exactly the infrastructure problems its README lists, each at the
/// listed file and line: no more (a false positive fails too), no less.
/// </summary>
public partial class SampleInfrastructureTests
{
    private const string Sample = "samples/insecure-genai-app";

    [Fact]
    public void The_sample_apps_infrastructure_findings_are_the_ones_its_readme_lists()
    {
        var run = BulwarkProcess.Run("scan", Sample, "--format", "json", "--no-progress").Expect(1);
        using var report = JsonDocument.Parse(run.Stdout);
        var found = report.RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("ruleId").GetString()!.StartsWith("BW-INFRA-", StringComparison.Ordinal))
            .Select(f => $"{f.GetProperty("location").GetProperty("path").GetString()!.Replace('\\', '/')}:{f.GetProperty("location").GetProperty("line").GetInt32()} {f.GetProperty("ruleId").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, Sample, "README.md"));
        var listed = InfraRow().Matches(readme).Select(m => $"{Sample}/{m.Groups["where"].Value} {m.Groups["rule"].Value}").Order(StringComparer.Ordinal).ToList();

        Assert.True(listed.Count >= 20, "the sample README lists its infrastructure problems");
        Assert.Equal(listed, found);
    }

    [GeneratedRegex(@"^\| `(?<where>[^`]+:\d+)` \| `(?<rule>BW-INFRA-[A-Z0-9-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex InfraRow();
}
