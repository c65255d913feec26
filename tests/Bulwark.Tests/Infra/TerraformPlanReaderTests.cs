using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

public class TerraformPlanReaderTests
{
    // What `terraform show -json tfplan` prints, cut to the parts the reader uses (plus some it must pass over).
    private const string Plan = """
        {
          "format_version": "1.2",
          "terraform_version": "1.9.5",
          "variables": {
            "location": { "value": "westeurope" }
          },
          "planned_values": {
            "root_module": {
              "resources": [
                {
                  "address": "aws_s3_bucket.models",
                  "mode": "managed",
                  "type": "aws_s3_bucket",
                  "name": "models",
                  "provider_name": "registry.terraform.io/hashicorp/aws",
                  "schema_version": 0,
                  "values": {
                    "bucket": "acme-models",
                    "force_destroy": false,
                    "tags": { "team": "ml" }
                  },
                  "sensitive_values": { "tags": {} }
                }
              ],
              "child_modules": [
                {
                  "address": "module.ai",
                  "resources": [
                    {
                      "address": "module.ai.azurerm_cognitive_account.openai",
                      "mode": "managed",
                      "type": "azurerm_cognitive_account",
                      "name": "openai",
                      "provider_name": "registry.terraform.io/hashicorp/azurerm",
                      "schema_version": 0,
                      "values": {
                        "kind": "OpenAI",
                        "location": "westeurope",
                        "public_network_access_enabled": true,
                        "local_auth_enabled": true,
                        "network_acls": []
                      },
                      "sensitive_values": { "network_acls": [] }
                    }
                  ]
                }
              ]
            }
          },
          "resource_changes": [
            {
              "address": "aws_s3_bucket.models",
              "mode": "managed",
              "type": "aws_s3_bucket",
              "name": "models",
              "change": { "actions": ["create"], "before": null, "after": { "bucket": "acme-models" } }
            }
          ],
          "configuration": { "root_module": {} }
        }
        """;

    [Fact]
    public void Planned_resources_come_from_the_root_and_child_modules()
    {
        var file = TerraformPlanReader.Parse("plan.json", Plan, InfraParseLimits.Default);
        Assert.Empty(file.Errors);
        Assert.Equal(InfraFormat.TerraformPlan, file.Format);
        Assert.Equal(
            [("aws_s3_bucket", "models", "aws_s3_bucket.models"), ("azurerm_cognitive_account", "openai", "module.ai.azurerm_cognitive_account.openai")],
            file.Resources.Select(r => (r.Type, r.Name, r.Address)));

        var bucket = file.Resources[0];
        Assert.Equal("plan.json", bucket.Path);
        Assert.Equal((10, 9), (bucket.Body.Line, bucket.Body.Column)); // the resource object, not its "values"
        Assert.Equal(["aws_s3_bucket", "models"], bucket.Body.Labels);
        Assert.Equal("acme-models", bucket.Body.Text("bucket"));
        Assert.Equal("ml", Assert.IsType<InfraMap>(bucket.Body.Get("tags")).Text("team"));

        var openai = file.Resources[1];
        Assert.Equal((29, 13), (openai.Body.Line, openai.Body.Column));
        var setting = openai.Body.Entries.Single(e => e.Key == "public_network_access_enabled");
        Assert.Equal((39, 17), (setting.Line, setting.Column));
        var value = Assert.IsType<InfraScalar>(setting.Value);
        Assert.Equal(ScalarKind.Boolean, value.Kind);
        Assert.True(value.IsTrue);
    }

    [Fact]
    public void Without_planned_values_resource_changes_are_read_and_destroyed_ones_skipped()
    {
        var file = TerraformPlanReader.Parse("plan.json", """
            {
              "format_version": "1.2",
              "terraform_version": "1.9.5",
              "resource_changes": [
                {
                  "address": "data.aws_caller_identity.current",
                  "mode": "data", "type": "aws_caller_identity", "name": "current",
                  "change": { "actions": ["read"], "before": null, "after": { "account_id": "123" } }
                },
                {
                  "address": "aws_sagemaker_endpoint.old",
                  "mode": "managed", "type": "aws_sagemaker_endpoint", "name": "old",
                  "change": { "actions": ["delete"], "before": { "name": "old" }, "after": null }
                }
              ]
            }
            """, InfraParseLimits.Default);
        Assert.Empty(file.Errors);
        var data = Assert.Single(file.Resources);
        Assert.Equal(("data:aws_caller_identity", "current", "data.aws_caller_identity.current"), (data.Type, data.Name, data.Address));
        Assert.Equal((5, 5), (data.Body.Line, data.Body.Column));
        Assert.Equal("123", data.Body.Text("account_id"));
    }

    [Fact]
    public void State_output_is_read_from_values()
    {
        var file = TerraformPlanReader.Parse("state.json", """
            {"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[
            {"address":"aws_instance.gpu","mode":"managed","type":"aws_instance","name":"gpu","values":{"instance_type":"p4d.24xlarge"}}]}}}
            """, InfraParseLimits.Default);
        Assert.Equal("p4d.24xlarge", Assert.Single(file.Resources).Body.Text("instance_type"));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": ")]
    public void Malformed_or_foreign_json_is_an_error_not_an_exception(string text)
    {
        var file = TerraformPlanReader.Parse("plan.json", text, InfraParseLimits.Default);
        Assert.Single(file.Errors);
        Assert.Empty(file.Resources);
    }

    [Fact]
    public void Plans_are_recognised_from_their_first_keys()
    {
        Assert.True(TerraformPlanReader.LooksLikePlan(Plan));
        Assert.True(TerraformPlanReader.LooksLikePlan("\uFEFF  {\"format_version\":\"1.0\",\"planned_values\":{}}"));

        // The keys come first, so a huge plan is recognised from its start (cut mid-document here).
        var huge = "{\"format_version\":\"1.2\",\"variables\":{\"big\":{\"value\":\"" + new string('x', 200_000) + "\"}},\"terraform_version\":\"1.9.5\"";
        Assert.False(TerraformPlanReader.LooksLikePlan(huge)); // terraform_version only after the part read
        Assert.True(TerraformPlanReader.LooksLikePlan("{\"format_version\":\"1.2\",\"terraform_version\":\"1.9.5\",\"variables\":{\"big\":\"" + new string('x', 200_000)));

        Assert.False(TerraformPlanReader.LooksLikePlan("{\"apiVersion\": \"v1\", \"kind\": \"Service\"}"));
        Assert.False(TerraformPlanReader.LooksLikePlan("{\"variables\": {\"format_version\": 1, \"planned_values\": 2}}"));
        Assert.False(TerraformPlanReader.LooksLikePlan("resource \"a\" \"b\" {}"));
        Assert.False(TerraformPlanReader.LooksLikePlan("[{\"format_version\": \"1\"}]"));
        Assert.False(TerraformPlanReader.LooksLikePlan(""));
    }
}
