using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Infra;

/// <summary>
/// Broken infrastructure files end as BW-INFRA-PARSE-ERROR findings at the line of the error, the rest of the tree
/// is still checked, and the scan itself finishes normally.
/// </summary>
public class MalformedInfraScanTests
{
    [Fact]
    public void Malformed_yaml_hcl_and_json_become_parse_findings_with_their_location()
    {
        using var dir = new TempDirectory();
        dir.Write("k8s/broken.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec: {type: LoadBalancer\n");
        dir.Write("compose.yaml", "services:\n  ollama:\n    image: ollama/ollama:0.5.7\n    ports:\n      - \"11434:11434\n");
        dir.Write("main.tf", "resource \"aws_s3_bucket\" \"models\" {\n  bucket = \"acme-models\"\n\nresource \"aws_s3_bucket\" \"data\" {\n  bucket = \"acme-data\" =\n}\n");
        dir.Write("plan.json", "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [\n{\"type\": \"aws_s3_bucket\", \"name\": \"x\", \"values\": {\"bucket\": tru}}]}}}");
        dir.Write("Dockerfile", "FROM python:3.12-slim\nRUN <<EOF\necho never closed\n");
        // A well-formed manifest beside them is still checked.
        dir.Write("k8s/ok.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: gpu}\nspec:\n  containers:\n    - name: t\n      image: nvcr.io/nvidia/pytorch:24.12-py3\n      securityContext: {privileged: true}\n      resources: {limits: {nvidia.com/gpu: 1}}\n");

        var run = BulwarkProcess.Run("scan", dir.Path, "--format", "json", "--no-progress").Expect(1);

        using var report = JsonDocument.Parse(run.Stdout);
        var findings = report.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (Rule: f.GetProperty("ruleId").GetString()!, File: Path.GetFileName(f.GetProperty("location").GetProperty("path").GetString()!), Line: f.GetProperty("location").GetProperty("line").GetInt32()))
            .ToList();
        var parseErrors = findings.Where(f => f.Rule == "BW-INFRA-PARSE-ERROR").ToList();
        foreach (var file in new[] { "broken.yaml", "compose.yaml", "main.tf", "plan.json", "Dockerfile" })
            Assert.Contains(parseErrors, f => f.File == file && f.Line >= 1);
        Assert.Contains(parseErrors, f => f.File == "main.tf" && f.Line is 1 or 5);
        Assert.Contains(findings, f => f.Rule == "BW-INFRA-GPU-PRIVILEGED" && f.File == "ok.yaml" && f.Line == 8);
        // The terraform resource before the error is still checked.
        Assert.Contains(findings, f => f.Rule == "BW-INFRA-S3-UNVERSIONED" && f.File == "main.tf");
    }
}
