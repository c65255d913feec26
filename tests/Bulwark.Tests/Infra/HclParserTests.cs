using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

public class HclParserTests
{
    private const string Main = """
        # Models bucket and the OpenAI account in front of it.
        resource "aws_s3_bucket" "models" {
          bucket        = "acme-models"   // trailing comment
          force_destroy = false
          replicas      = 3
          ratio         = 1.5e3
          nothing       = null

          versioning { enabled = true }

          ingress {
            from_port = 443
          }
          ingress {
            from_port = 80
          }
        }

        resource "azurerm_cognitive_account" "openai" {
          name                          = "oai-prod"
          public_network_access_enabled = true
          bucket                        = aws_s3_bucket.models.id
        }
        """;

    [Fact]
    public void Resources_carry_type_name_address_labels_and_the_keyword_position()
    {
        var file = Parse(Main);
        Assert.Empty(file.Errors);
        Assert.Equal(InfraFormat.Terraform, file.Format);
        Assert.Equal(["aws_s3_bucket.models", "azurerm_cognitive_account.openai"], file.Resources.Select(r => r.Address));
        var bucket = file.Resources[0];
        Assert.Equal(("aws_s3_bucket", "models", "main.tf"), (bucket.Type, bucket.Name, bucket.Path));
        Assert.Equal(["aws_s3_bucket", "models"], bucket.Body.Labels);
        Assert.Equal((2, 1), (bucket.Body.Line, bucket.Body.Column));
        Assert.Equal(19, file.Resources[1].Line);
    }

    [Fact]
    public void Attributes_keep_their_kind_and_the_positions_of_name_and_value()
    {
        var openai = Parse(Main).Resources[1].Body;
        var entry = openai.Entries.Single(e => e.Key == "public_network_access_enabled");
        Assert.Equal((21, 3), (entry.Line, entry.Column));
        var value = Assert.IsType<InfraScalar>(entry.Value);
        Assert.Equal(("true", ScalarKind.Boolean, 21, 35), (value.Text, value.Kind, value.Line, value.Column));
        Assert.True(value.IsTrue);

        AssertScalar(openai.Get("name"), "oai-prod", ScalarKind.Text, 20, 35);
        AssertScalar(openai.Get("bucket"), "aws_s3_bucket.models.id", ScalarKind.Expression, 22, 35);

        var bucket = Parse(Main).Resources[0].Body;
        AssertScalar(bucket.Get("bucket"), "acme-models", ScalarKind.Text, 3, 19);
        AssertScalar(bucket.Get("force_destroy"), "false", ScalarKind.Boolean, 4, 19);
        AssertScalar(bucket.Get("replicas"), "3", ScalarKind.Number, 5, 19);
        AssertScalar(bucket.Get("ratio"), "1.5e3", ScalarKind.Number, 6, 19);
        AssertScalar(bucket.Get("nothing"), "null", ScalarKind.Null, 7, 19);
    }

    [Fact]
    public void Nested_blocks_are_entries_keyed_by_type_and_repeat()
    {
        var bucket = Parse(Main).Resources[0].Body;
        var versioning = Assert.IsType<InfraMap>(bucket.Get("versioning"));
        Assert.Equal((9, 3), (versioning.Line, versioning.Column));
        AssertScalar(versioning.Get("enabled"), "true", ScalarKind.Boolean, 9, 26);
        var ingress = bucket.GetAll("ingress").Cast<InfraMap>().ToList();
        Assert.Equal(["443", "80"], ingress.Select(i => i.Text("from_port")));
        Assert.Equal(11, bucket.Entries.First(e => e.Key == "ingress").Line);
    }

    [Fact]
    public void Dynamic_blocks_keep_their_label_and_content()
    {
        var body = Single("""
            resource "aws_security_group" "sg" {
              dynamic "ingress" {
                for_each = var.ports
                content {
                  from_port   = ingress.value
                  cidr_blocks = ["0.0.0.0/0"]
                }
              }
            }
            """);
        var dynamic = Assert.IsType<InfraMap>(body.Get("dynamic"));
        Assert.Equal(["ingress"], dynamic.Labels);
        AssertScalar(dynamic.Get("for_each"), "var.ports", ScalarKind.Expression, 3, 16);
        var content = Assert.IsType<InfraMap>(dynamic.Get("content"));
        AssertScalar(content.Get("from_port"), "ingress.value", ScalarKind.Expression, 5, 21);
        var cidrs = Assert.IsType<InfraList>(content.Get("cidr_blocks"));
        AssertScalar(cidrs.Items.Single(), "0.0.0.0/0", ScalarKind.Text, 6, 22);
    }

    [Fact]
    public void Data_module_variable_and_locals_become_resources_other_blocks_do_not()
    {
        var file = Parse("""
            terraform {
              required_providers {
                aws = { source = "hashicorp/aws" }
              }
            }
            provider "aws" { region = "us-east-1" }
            data "aws_iam_policy_document" "assume" {
              statement { actions = ["sts:AssumeRole"] }
            }
            module "ai" {
              source = "./modules/ai"
            }
            variable "public" {
              type    = bool
              default = true
            }
            locals {
              name = "acme"
            }
            locals { other = 1 }
            output "endpoint" { value = module.ai.endpoint }
            """);
        Assert.Empty(file.Errors);
        Assert.Equal(
            [("data:aws_iam_policy_document", "assume", "data.aws_iam_policy_document.assume"), ("module", "ai", "module.ai"),
                ("variable", "public", "var.public"), ("locals", "locals", "locals"), ("locals", "locals", "locals")],
            file.Resources.Select(r => (r.Type, r.Name, r.Address)));
        Assert.Equal(17, file.Resources[3].Line);
        AssertScalar(file.Resources[2].Body.Get("type"), "bool", ScalarKind.Expression, 14, 13);
    }

    [Fact]
    public void Strings_decode_escapes_and_templates_stay_source()
    {
        var body = Single("""
            resource "x" "y" {
              escaped   = "a\n\"b\"\t\u00e9\U0001F600\\"
              dollars   = "$${not} %%{this}"
              template  = "${lookup(var.m, "k")}-suffix"
              nested    = "${jsonencode({ a = "}" })}"
              directive = "%{ if var.on }yes%{ else }no%{ endif }"
              looped    = "%{~ for s in var.list ~}${s},%{ endfor }"
              braces    = "${ {a = 1}["a"] }"
            }
            """);
        AssertScalar(body.Get("escaped"), "a\n\"b\"\té\U0001F600\\", ScalarKind.Text, 2, 15);
        AssertScalar(body.Get("dollars"), "${not} %{this}", ScalarKind.Text, 3, 15);
        AssertScalar(body.Get("template"), "${lookup(var.m, \"k\")}-suffix", ScalarKind.Expression, 4, 15);
        AssertScalar(body.Get("nested"), "${jsonencode({ a = \"}\" })}", ScalarKind.Expression, 5, 15);
        AssertScalar(body.Get("directive"), "%{ if var.on }yes%{ else }no%{ endif }", ScalarKind.Expression, 6, 15);
        AssertScalar(body.Get("looped"), "%{~ for s in var.list ~}${s},%{ endfor }", ScalarKind.Expression, 7, 15);
        AssertScalar(body.Get("braces"), "${ {a = 1}[\"a\"] }", ScalarKind.Expression, 8, 15);
    }

    [Fact]
    public void Heredocs_of_both_forms_and_with_interpolation()
    {
        var body = Single("""
            resource "aws_iam_policy" "p" {
              policy = <<EOF
            {
              "Effect": "Allow"
            }
            EOF
              script = <<-EOT
                echo hello
                  indented
                EOT
              dynamic_doc = <<EOT
            name=${var.name}
            EOT
              after = "ok"
            }
            """);
        AssertScalar(body.Get("policy"), "{\n  \"Effect\": \"Allow\"\n}\n", ScalarKind.Text, 2, 12);
        AssertScalar(body.Get("script"), "echo hello\n  indented\n", ScalarKind.Text, 7, 12);
        AssertScalar(body.Get("dynamic_doc"), "name=${var.name}\n", ScalarKind.Expression, 11, 17);
        AssertScalar(body.Get("after"), "ok", ScalarKind.Text, 14, 11);
    }

    [Fact]
    public void Tuples_and_objects_become_lists_and_maps()
    {
        var body = Single("""
            resource "x" "y" {
              list   = [1, "a", var.x, true,]
              object = { k = 1, "k2" = "v", k3: false }
              multi  = {
                name = "n"    # comment
                tags = {
                  env = "prod"
                }
                rules = [
                  { port = 22 },
                  { port = 443 },
                ]
              }
              empty  = {}
            }
            """);
        var list = Assert.IsType<InfraList>(body.Get("list"));
        Assert.Equal((2, 12), (list.Line, list.Column));
        Assert.Equal([ScalarKind.Number, ScalarKind.Text, ScalarKind.Expression, ScalarKind.Boolean], list.Items.Cast<InfraScalar>().Select(s => s.Kind));
        AssertScalar(list.Items[2], "var.x", ScalarKind.Expression, 2, 21);

        var objectValue = Assert.IsType<InfraMap>(body.Get("object"));
        Assert.Equal(["k", "k2", "k3"], objectValue.Entries.Select(e => e.Key));
        Assert.Equal([14, 21, 33], objectValue.Entries.Select(e => e.Column));
        AssertScalar(objectValue.Get("k3"), "false", ScalarKind.Boolean, 3, 37);

        var multi = Assert.IsType<InfraMap>(body.Get("multi"));
        Assert.Equal("prod", Assert.IsType<InfraMap>(multi.Get("tags")).Text("env"));
        var rules = Assert.IsType<InfraList>(multi.Get("rules"));
        Assert.Equal(["22", "443"], rules.Items.Cast<InfraMap>().Select(r => r.Text("port")));
        Assert.Equal((10, 7), (rules.Items[0].Line, rules.Items[0].Column));
        Assert.Empty(Assert.IsType<InfraMap>(body.Get("empty")).Entries);
    }

    [Theory]
    [InlineData("jsonencode({ a = 1 })")]
    [InlineData("length(var.list...)")]
    [InlineData("a + b * 2 > 3 && !c || d == \"x\"")]
    [InlineData("var.public ? \"0.0.0.0/0\" : \"10.0.0.0/8\"")]
    [InlineData("[for s in var.list : upper(s) if s != \"\"]")]
    [InlineData("{for k, v in var.m : k => v...}")]
    [InlineData("aws_instance.web[*].id")]
    [InlineData("var.list.*.name")]
    [InlineData("var.x[0][\"a\"].b")]
    [InlineData("(1 + 2) * 3")]
    [InlineData("provider::aws::arn_parse(var.arn).region")]
    [InlineData("!var.enabled")]
    [InlineData("a.0.b")]
    [InlineData("-var.offset % 2")]
    [InlineData("[1, 2][0]")]
    [InlineData("cond ? { a = 1 } : { a = 2 }")]
    public void Other_expressions_keep_their_exact_source(string expression)
    {
        var body = Single($"resource \"x\" \"y\" {{\n  value = {expression}   \n}}\n");
        AssertScalar(body.Get("value"), expression, ScalarKind.Expression, 2, 11);
    }

    [Fact]
    public void Negative_numbers_are_numbers_and_multiline_calls_parse()
    {
        var body = Single("""
            resource "x" "y" {
              offset = -5
              tags = merge(
                var.tags,
                { Name = "x" },   // comment inside the call
              )
              cond = (
                var.a
                ? 1
                : 2
              )
            }
            """);
        AssertScalar(body.Get("offset"), "-5", ScalarKind.Number, 2, 12);
        var tags = Assert.IsType<InfraScalar>(body.Get("tags"));
        Assert.StartsWith("merge(", tags.Text, StringComparison.Ordinal);
        Assert.EndsWith(")", tags.Text, StringComparison.Ordinal);
        Assert.Equal(ScalarKind.Expression, Assert.IsType<InfraScalar>(body.Get("cond")).Kind);
    }

    [Fact]
    public void Comments_are_allowed_everywhere()
    {
        var file = Parse("""
            /* header
               spanning lines */
            resource /* a */ "x" /* b */ "y" { # after brace
              // line comment
              a = /* inline */ 1 # trailing
              b = [ # in a tuple
                1, // one
                /* two */ 2,
              ]
              /* multi
                 line */
              c = { # in an object
                k = "v" // kv
              }
            } // after block
            # end
            """);
        Assert.Empty(file.Errors);
        var body = file.Resources.Single().Body;
        AssertScalar(body.Get("a"), "1", ScalarKind.Number, 5, 20);
        Assert.Equal(2, Assert.IsType<InfraList>(body.Get("b")).Items.Count);
        Assert.Equal("v", Assert.IsType<InfraMap>(body.Get("c")).Text("k"));
    }

    [Fact]
    public void Crlf_line_endings_and_identifier_labels_parse()
    {
        var file = Parse("resource aws_s3_bucket models {\r\n  bucket = \"b\"\r\n  policy = <<EOF\r\nx\r\nEOF\r\n}\r\n");
        Assert.Empty(file.Errors);
        var body = file.Resources.Single().Body;
        AssertScalar(body.Get("bucket"), "b", ScalarKind.Text, 2, 12);
        AssertScalar(body.Get("policy"), "x\r\n", ScalarKind.Text, 3, 12);
    }

    [Fact]
    public void An_unterminated_string_is_reported_where_it_opens_and_the_rest_is_read()
    {
        var file = Parse("""
            resource "aws_s3_bucket" "a" {
              bucket = "ok"
            }
            resource "aws_s3_bucket" "b" {
              bucket = "broken
              acl    = "private"
            }
            resource "aws_s3_bucket" "c" {
              bucket = "fine"
            }
            """);
        var error = Assert.Single(file.Errors);
        Assert.Equal(("unterminated string", 5, 12), (error.Message, error.Line, error.Column));
        Assert.Equal(["a", "b", "c"], file.Resources.Select(r => r.Name));
        Assert.Equal("private", file.Resources[1].Body.Text("acl"));
        Assert.Equal("broken", file.Resources[1].Body.Text("bucket"));
    }

    [Fact]
    public void An_unclosed_heredoc_is_reported_and_the_next_resource_is_kept()
    {
        var file = Parse("""
            resource "aws_s3_bucket" "before" {}
            resource "aws_iam_policy" "p" {
              policy = <<EOF
            {"Version": "2012-10-17"}
            }

            resource "aws_s3_bucket" "after" {
              bucket = "x"
            }
            """);
        var error = Assert.Single(file.Errors);
        Assert.Equal(("heredoc EOF never closed", 3, 12), (error.Message, error.Line, error.Column));
        Assert.Equal(["before", "p", "after"], file.Resources.Select(r => r.Name));
        Assert.Equal("x", file.Resources[2].Body.Text("bucket"));
    }

    [Fact]
    public void An_unclosed_block_ends_at_the_next_top_level_block()
    {
        var file = Parse("""
            resource "aws_s3_bucket" "a" {
              bucket = "x"
              versioning {
                enabled = true

            resource "aws_s3_bucket" "b" {
              bucket = "y"
            }
            """);
        var error = Assert.Single(file.Errors);
        Assert.Equal(3, error.Line);
        Assert.Equal(14, error.Column);
        Assert.Contains("'versioning' block is never closed", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], file.Resources.Select(r => r.Name));
        Assert.Equal("true", Assert.IsType<InfraMap>(file.Resources[0].Body.Get("versioning")).Text("enabled"));
        Assert.Equal("y", file.Resources[1].Body.Text("bucket"));
    }

    [Fact]
    public void A_block_open_at_the_end_of_the_file_is_reported_at_its_brace()
    {
        var file = Parse("resource \"x\" \"first\" {}\nresource \"x\" \"y\" {\n  a = 1\n");
        var error = Assert.Single(file.Errors);
        Assert.Equal((2, 18), (error.Line, error.Column));
        Assert.Equal(["first", "y"], file.Resources.Select(r => r.Name));
        Assert.Equal("1", file.Resources[1].Body.Text("a"));
    }

    [Fact]
    public void Stray_tokens_are_reported_and_recovery_keeps_the_resources_around_them()
    {
        var file = Parse("""
            resource "a" "one" {}
            }
            resource "a" "two" {
              x = 1 2
              y = [1 2]
              z = 3
            }
            = 4
            foo
            resource "a" "three" { w = @ }
            resource "a" "four" {}
            """);
        Assert.Equal(
            [
                ("expected an attribute or a block, found '}'", 2, 1),
                ("expected a newline after the item, found '2'", 4, 9),
                ("expected ',' or ']' in the tuple, found '2'", 5, 10),
                ("expected an attribute or a block, found '='", 8, 1),
                ("expected '=' or a block after 'foo', found a newline", 9, 4),
                ("unexpected character '@'", 10, 28),
            ],
            file.Errors.Select(e => (e.Message, e.Line, e.Column)));
        Assert.Equal(["one", "two", "three", "four"], file.Resources.Select(r => r.Name));
        var two = file.Resources[1].Body;
        Assert.Equal(["x", "z"], two.Entries.Select(e => e.Key));
    }

    [Fact]
    public void An_unclosed_bracket_ends_at_the_brace_that_closes_its_block()
    {
        var file = Parse("""
            resource "a" "one" {
              x = [1, 2
              y = foo(3
            }
            resource "a" "two" { z = 1 }
            """);
        Assert.Equal([("expected ',' or ']' in the tuple, found 'y'", 3, 3)], file.Errors.Select(e => (e.Message, e.Line, e.Column)));
        Assert.Equal(["one", "two"], file.Resources.Select(r => r.Name));
        Assert.Equal("1", file.Resources[1].Body.Text("z"));
    }

    [Theory]
    [InlineData("resource \"a\" \"b\" {\n  x = 1 +\n  y = 2\n}\n", "expected an expression, found a newline", 2, 10)]
    [InlineData("resource \"a\" \"b\" {\n  x = { a = 1 b = 2 }\n}\n", "expected ',', a newline or '}' after the object item, found 'b'", 2, 15)]
    [InlineData("resource \"a\" \"b\" {\n  x = \"%{ if a }yes\"\n}\n", "'%{ if }' has no matching '%{ endif }'", 2, 20)]
    [InlineData("resource \"a\" \"b\" {\n  x = \"\\q\"\n}\n", "invalid escape sequence '\\q'", 2, 8)]
    [InlineData("resource \"a\" \"b\" {\n  x = provider::a\n}\n", "expected '(' after the function name, found a newline", 2, 18)]
    [InlineData("resource \"a\" \"b\" {\n  x = a.\n}\n", "expected an attribute name after '.', found a newline", 2, 9)]
    [InlineData("resource \"a\" \"b\" {}\n/* never closed\n", "unterminated comment: '/*' has no matching '*/'", 2, 1)]
    [InlineData("resource \"a\" \"b\" {\n  x = <<EOF", "heredoc EOF never closed", 2, 7)]
    public void Each_syntax_error_has_a_clear_message_at_its_place(string text, string message, int line, int column)
    {
        var file = Parse(text);
        Assert.Contains(file.Errors, e => (e.Message, e.Line, e.Column) == (message, line, column));
        Assert.Equal("a.b", file.Resources[0].Address);
    }

    [Fact]
    public void Missing_labels_are_reported_and_the_block_is_not_a_resource()
    {
        var file = Parse("resource \"only_type\" {}\nmodule {}\nresource \"a\" \"b\" {}\n");
        Assert.Equal([(1, 1), (2, 1)], file.Errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("two labels", file.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("a.b", file.Resources.Single().Address);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{")]
    [InlineData("(")]
    [InlineData("\"${")]
    [InlineData("f(")]
    [InlineData("!-")]
    public void Deep_nesting_is_a_depth_error_not_a_stack_overflow(string opener)
    {
        var text = "resource \"x\" \"y\" {\n  value = " + string.Concat(Enumerable.Repeat(opener, 100_000)) + "\n}\nresource \"x\" \"after\" {}\n";
        var file = Parse(text);
        if (opener != "!-") Assert.Contains(file.Errors, e => e.Message == "nesting deeper than 64");
        Assert.Contains(file.Resources, r => r.Name == "y");
        Assert.Contains(file.Resources, r => r.Name == "after");
    }

    [Fact]
    public void Deeply_nested_blocks_are_a_depth_error()
    {
        var text = string.Concat(Enumerable.Repeat("a {\n", 100_000));
        var file = Parse(text);
        Assert.Contains(file.Errors, e => e.Message == "nesting deeper than 64" && e.Line == 65 && e.Column == 3); // the 65th block
    }

    [Fact]
    public void Depth_counts_blocks_and_expressions_up_to_the_limit()
    {
        var limits = InfraParseLimits.Default with { MaxDepth = 4 };
        Assert.Empty(HclParser.Parse("t.tf", "resource \"x\" \"y\" {\n  a = [[1]]\n}\n", limits).Errors); // body 1, then 2, 3, 4
        var deeper = HclParser.Parse("t.tf", "resource \"x\" \"y\" {\n  a = [[[1]]]\n}\n", limits);
        Assert.Equal(("nesting deeper than 4", 2, 10), (deeper.Errors.Single().Message, deeper.Errors.Single().Line, deeper.Errors.Single().Column));
    }

    [Fact]
    public void Errors_stop_at_the_limit_with_one_count_of_the_rest()
    {
        var text = string.Concat(Enumerable.Range(1, 30).Select(i => "= broken\n")) + "resource \"a\" \"b\" {}\n";
        var file = Parse(text);
        Assert.Equal(21, file.Errors.Count);
        Assert.Equal(("10 more errors", 21, 1), (file.Errors[^1].Message, file.Errors[^1].Line, file.Errors[^1].Column));
        Assert.Equal("a.b", file.Resources.Single().Address);
    }

    [Fact]
    public void Values_past_the_node_limit_stop_the_file()
    {
        var limits = InfraParseLimits.Default with { MaxNodes = 10 };
        var file = HclParser.Parse("t.tf", "resource \"x\" \"y\" {\n  a = [" + string.Join(", ", Enumerable.Range(0, 1000)) + "]\n}\nresource \"x\" \"z\" {}\n", limits);
        Assert.Equal("more than 10 values: the rest of the file is not read", Assert.Single(file.Errors).Message);
        Assert.DoesNotContain(file.Resources, r => r.Name == "z");
    }

    [Fact]
    public void An_empty_or_comment_only_file_has_nothing_and_no_errors()
    {
        Assert.Empty(Parse("").Resources);
        Assert.Empty(Parse("").Errors);
        Assert.Empty(Parse("# only a comment\n/* and this */\n").Errors);
    }

    private static InfraFile Parse(string text) => HclParser.Parse("main.tf", text, InfraParseLimits.Default);

    private static InfraMap Single(string text)
    {
        var file = Parse(text);
        Assert.Empty(file.Errors);
        return file.Resources.Single().Body;
    }

    private static void AssertScalar(InfraValue? value, string text, ScalarKind kind, int line, int column)
    {
        var scalar = Assert.IsType<InfraScalar>(value);
        Assert.Equal((text, kind, line, column), (scalar.Text, scalar.Kind, scalar.Line, scalar.Column));
    }
}
