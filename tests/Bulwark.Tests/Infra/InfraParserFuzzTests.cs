using System.Diagnostics;
using System.Text;
using Bulwark.Infra;
using Bulwark.Infra.Parsing;
using Bulwark.Tests.Models;

namespace Bulwark.Tests.Infra;

/// <summary>
/// Seeded mutations of valid HCL and JSON: the parsers must never throw, must place every error and value inside the
/// text, and must finish each input quickly (a slow input means a loop that backtracks or rescans).
/// </summary>
[Collection(SerialFuzzing.Name)]
public class InfraParserFuzzTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(2);

    private const string HclSeed = """
        terraform {
          required_providers {
            aws = { source = "hashicorp/aws", version = "~> 5.0" }
          }
        }

        variable "public" {
          type    = bool
          default = false
        }

        locals {
          tags  = merge(var.tags, { Name = "ai-${var.env}" })
          ports = [for p in var.ports : p if p > 1024]
          byname = { for k, v in var.models : k => v.arn... }
        }

        resource "aws_s3_bucket" "models" {
          bucket = "acme-${var.env}-models" # the weights
          acl    = var.public ? "public-read" : "private"
          versioning { enabled = true }
          policy = <<-EOF
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "${aws_s3_bucket.models.arn}/*"}]}
          EOF
        }

        resource "aws_security_group" "ollama" {
          dynamic "ingress" {
            for_each = local.ports
            content {
              from_port   = ingress.value
              cidr_blocks = ["0.0.0.0/0"] /* wide open */
            }
          }
          tags = { "Name" = "ollama", team: "ml" }
        }

        module "ai" {
          source  = "./modules/ai"
          names   = aws_instance.gpu[*].id
          enabled = !var.disabled && length(var.models) >= 1
          note    = "%{ if var.public }public%{ else }private%{ endif }"
          script  = <<EOT
        #!/bin/sh
        ollama serve --host 0.0.0.0 ${var.flags}
        EOT
        }

        data "aws_iam_policy_document" "assume" {
          statement {
            actions = ["sts:AssumeRole"]
            principals { type = "Service", identifiers = ["sagemaker.amazonaws.com"] }
          }
        }
        """;

    private const string JsonSeed = """
        {
          "format_version": "1.2",
          "terraform_version": "1.9.5",
          "planned_values": {
            "root_module": {
              "resources": [
                {"address": "aws_s3_bucket.models", "mode": "managed", "type": "aws_s3_bucket", "name": "models",
                 "values": {"bucket": "acme-models", "acl": "public-read", "tags": {"team": "ml"}, "n": -1.5e3, "ok": true, "none": null}}
              ],
              "child_modules": [
                {"address": "module.ai", "resources": [
                  {"address": "module.ai.azurerm_cognitive_account.openai", "mode": "managed", "type": "azurerm_cognitive_account",
                   "name": "openai", "values": {"kind": "OpenAI", "public_network_access_enabled": true, "network_acls": [], "é": "😀"}}
                ]}
              ]
            }
          }
        }
        """;

    private static readonly string[] HclInserts =
    [
        "{", "}", "[", "]", "(", ")", "\"", "${", "%{", "}\"", "<<EOF\n", "<<-X\n", "\nEOF\n", "/*", "*/", "#", "//", "\\", "\n",
        "=", ":", "?", "...", "=>", "for x in y :", "%{ endif }", "~}", "resource \"a\" \"b\" {\n", "\r\n", "$${", "\t", "\uD800", "é😀",
    ];

    private static readonly string[] JsonInserts = ["{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "tru", "-", "1e", "\n", "/*", "//", "\uFEFF", "😀"];

    [Fact]
    public void Mutated_hcl_never_throws_and_places_every_error_and_value_in_the_text()
    {
        var random = new Random(20260702);
        var withErrors = 0;
        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(HclSeed, HclInserts, random);
            var watch = Stopwatch.StartNew();
            var file = HclParser.Parse("fuzz.tf", text, InfraParseLimits.Default);
            Assert.True(watch.Elapsed < PerInput, $"mutation {i} took {watch.Elapsed}");
            AssertWithin(text, file.Errors, i);
            Assert.True(file.Errors.Count <= InfraParseLimits.Default.MaxErrors + 1);
            foreach (var resource in file.Resources) AssertWithin(text, resource.Body, i);
            if (file.Errors.Count > 0) withErrors++;
        }

        Assert.InRange(withErrors, 500, 2999); // the mutations do break files, and some survive them
    }

    [Fact]
    public void Mutated_json_never_throws_and_places_every_error_and_value_in_the_text()
    {
        var random = new Random(20260703);
        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(JsonSeed, JsonInserts, random);
            var watch = Stopwatch.StartNew();
            var errors = new List<InfraParseError>();
            var value = JsonTree.Parse(text, InfraParseLimits.Default, errors);
            var plan = TerraformPlanReader.Parse("fuzz.json", text, InfraParseLimits.Default);
            TerraformPlanReader.LooksLikePlan(text);
            Assert.True(watch.Elapsed < PerInput, $"mutation {i} took {watch.Elapsed}");
            Assert.True(errors.Count <= 1, $"mutation {i}: {errors.Count} errors");
            AssertWithin(text, errors, i);
            AssertWithin(text, plan.Errors, i);
            if (value is not null) AssertWithin(text, value, i);
        }
    }

    [Theory]
    [InlineData("resource \"r\" \"{0}\" {{\n  x = <<A{0}\n}}\n", true)] // unclosed heredocs, each with its own marker
    [InlineData("x = \"unterminated {0}\n", false)]
    [InlineData("x = \"${{\"${{\"${{ {0}", false)]
    [InlineData("resource \"a\" \"{0}\" {{\n  x = [\n", false)]
    [InlineData("a {{ b = c {0} }}\n}}}}\n", false)]
    [InlineData("/* {0}", false)]
    [InlineData("y = [1, {0}, <<-E\n", false)]
    public void Pathological_inputs_stay_linear(string line, bool numbered)
    {
        var builder = new StringBuilder();
        for (var i = 0; builder.Length < 300_000; i++) builder.Append(numbered ? string.Format(System.Globalization.CultureInfo.InvariantCulture, line, i) : line.Replace("{0}", "v", StringComparison.Ordinal).Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal));
        var text = builder.ToString();
        var watch = Stopwatch.StartNew();
        var file = HclParser.Parse("big.tf", text, InfraParseLimits.Default);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        AssertWithin(text, file.Errors, 0);
    }

    [Fact]
    public void A_hundred_thousand_openers_are_a_depth_error_in_both_parsers()
    {
        foreach (var opener in new[] { "[", "{" })
        {
            var deep = string.Concat(Enumerable.Repeat(opener, 100_000));
            Assert.Contains(HclParser.Parse("deep.tf", "x = " + deep, InfraParseLimits.Default).Errors, e => e.Message == "nesting deeper than 64");
            Assert.Contains(JsonTree.Parse(opener == "[" ? deep : string.Concat(Enumerable.Repeat("{\"k\":", 100_000)), InfraParseLimits.Default).Errors, e => e.Message == "nesting deeper than 64");
        }
    }

    private static string Mutate(string seed, string[] inserts, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(8))
            {
                case 0: text[at] = (char)(text[at] ^ (1 << random.Next(7))); break;
                case 1: text.Length = at; break; // truncate
                case 2: text.Insert(at, inserts[random.Next(inserts.Length)]); break;
                case 3: text.Insert(at, inserts[random.Next(inserts.Length)]); break;
                case 4: text.Remove(at, Math.Min(text.Length - at, random.Next(1, 40))); break;
                case 5:
                    var length = Math.Min(text.Length - at, random.Next(1, 400));
                    text.Insert(random.Next(text.Length), text.ToString(at, length)); // duplicated slice
                    break;
                case 6: text.Insert(at, new string(inserts[random.Next(inserts.Length)][0], random.Next(1, 200))); break; // runs of one opener
                default: text[at] = (char)random.Next(0x20, 0x7f); break;
            }
        }

        return text.ToString();
    }

    private static void AssertWithin(string text, IEnumerable<InfraParseError> errors, int input)
    {
        var lines = text.Split('\n');
        foreach (var error in errors)
        {
            Assert.True(error.Line >= 1 && error.Line <= lines.Length, $"input {input}: line {error.Line} of {lines.Length} ({error.Message})");
            Assert.True(error.Column >= 1 && error.Column <= lines[error.Line - 1].Length + 1, $"input {input}: column {error.Column} on line {error.Line} ({error.Message})");
        }
    }

    private static void AssertWithin(string text, InfraValue root, int input)
    {
        var lines = text.Split('\n');
        var pending = new Stack<InfraValue>([root]);
        while (pending.Count > 0)
        {
            var value = pending.Pop();
            Assert.True(value.Line >= 1 && value.Line <= lines.Length && value.Column >= 1 && value.Column <= lines[value.Line - 1].Length + 1, $"input {input}: value at {value.Line}:{value.Column}");
            switch (value)
            {
                case InfraMap map:
                    foreach (var entry in map.Entries) pending.Push(entry.Value);
                    break;
                case InfraList list:
                    foreach (var item in list.Items) pending.Push(item);
                    break;
            }
        }
    }
}
