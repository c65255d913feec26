using System.Diagnostics;
using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

/// <summary>YAML into the value tree: documents, errors and their places, limits, anchors and merge keys, scalar types.</summary>
public class YamlTreeTests
{
    private static (IReadOnlyList<InfraValue> Documents, List<InfraParseError> Errors) Parse(string text, InfraParseLimits? limits = null)
    {
        var errors = new List<InfraParseError>();
        var documents = YamlTree.Parse(text, limits ?? InfraParseLimits.Default, errors);
        return (documents, errors);
    }

    private static InfraMap Map(InfraValue value) => Assert.IsType<InfraMap>(value);

    private static InfraScalar Scalar(InfraMap map, string key) => Assert.IsType<InfraScalar>(map.Get(key));

    [Fact]
    public void Documents_before_a_syntax_error_are_kept_and_the_error_has_its_line()
    {
        var (documents, errors) = Parse("a: 1\n---\nb: 2\n---\nc: 3\n  d: 4\ne: 5\n");

        Assert.Equal(["a", "b"], documents.Select(d => Assert.Single(Map(d).Entries).Key));
        var error = Assert.Single(errors);
        Assert.Equal((6, 4), (error.Line, error.Column));
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_flow_sequence_is_an_error_after_the_good_documents()
    {
        var (documents, errors) = Parse("a: 1\n---\nb: [1, 2\n");

        Assert.Single(documents);
        Assert.True(Assert.Single(errors).Line >= 3);
    }

    [Fact]
    public void Empty_documents_and_empty_text_give_no_values_and_no_errors()
    {
        Assert.Equal((0, 0), (Parse("").Documents.Count, Parse("").Errors.Count));
        var (documents, errors) = Parse("---\n---\n# only a comment\n---\nkind: A\n---\n");
        Assert.Empty(errors);
        Assert.Equal("A", Scalar(Map(Assert.Single(documents)), "kind").Text);
    }

    [Fact]
    public void A_billion_laughs_stops_at_the_value_limit_quickly()
    {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
            string.Concat(Enumerable.Range(1, 8).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [{string.Join(", ", Enumerable.Repeat("*" + (char)('a' + i - 1), 10))}]\n"));
        var clock = Stopwatch.StartNew();
        var (documents, errors) = Parse("kind: First\n---\n" + text);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal("First", Scalar(Map(Assert.Single(documents)), "kind").Text);
        var error = Assert.Single(errors);
        Assert.Equal("YAML expands to more than 1,000,000 values (alias bomb?)", error.Message);
        Assert.InRange(error.Line, 8, 11);
    }

    [Fact]
    public void Aliases_within_the_limit_stand_for_their_anchored_values()
    {
        var (documents, errors) = Parse("a: &x {k: v}\nb: *x\nc: &s text\nd: [*s, *s]\n");

        Assert.Empty(errors);
        var map = Map(Assert.Single(documents));
        Assert.Equal("v", Scalar(Map(map.Get("b")!), "k").Text);
        Assert.Equal(["text", "text"], Assert.IsType<InfraList>(map.Get("d")).Items.Cast<InfraScalar>().Select(s => s.Text));
    }

    [Fact]
    public void The_value_limit_counts_every_use_of_an_alias()
    {
        var limits = InfraParseLimits.Default with { MaxNodes = 30 };
        Assert.Empty(Parse("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a]\n", limits).Errors);
        var error = Assert.Single(Parse("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a, *a]\n", limits).Errors);
        Assert.Equal("YAML expands to more than 30 values (alias bomb?)", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void An_alias_without_an_anchor_or_to_an_earlier_document_is_an_error()
    {
        var error = Assert.Single(Parse("a: 1\nb: *missing\n").Errors);
        Assert.Equal(("YAML alias *missing names no anchor", 2, 4), (error.Message, error.Line, error.Column));

        var (documents, errors) = Parse("a: &x 1\n---\nb: *x\n");
        Assert.Single(documents);
        Assert.Equal(3, Assert.Single(errors).Line);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    public void Nesting_ten_thousand_deep_is_a_depth_error_not_a_stack_overflow(string open, string close)
    {
        var text = string.Concat(Enumerable.Repeat(open, 10_000)) + "x" + string.Concat(Enumerable.Repeat(close, 10_000));
        var clock = Stopwatch.StartNew();
        var (documents, errors) = Parse(text);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(documents);
        var error = Assert.Single(errors);
        Assert.Equal("YAML nested deeper than 64 levels", error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Block_nesting_past_the_limit_is_a_depth_error_at_its_line()
    {
        var text = string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', i * 2) + "a:\n")) + new string(' ', 80) + "b: 1\n";
        var limits = InfraParseLimits.Default with { MaxDepth = 20 };

        Assert.Empty(Parse(text).Errors);
        var error = Assert.Single(Parse(text, limits).Errors);
        Assert.Equal("YAML nested deeper than 20 levels", error.Message);
        Assert.Equal(21, error.Line); // the keys of the map on line 21 are at depth 21
    }

    [Fact]
    public void A_merge_key_adds_the_anchored_keys_and_explicit_keys_win()
    {
        var (documents, errors) = Parse("""
            base: &base
              image: ollama/ollama
              restart: always
              ports: ["11434:11434"]
            svc:
              restart: "no"
              <<: *base
              ports: ["127.0.0.1:11434:11434"]
            """);

        Assert.Empty(errors);
        var svc = Map(Map(Assert.Single(documents)).Get("svc")!);
        Assert.Equal(["restart", "image", "ports"], svc.Entries.Select(e => e.Key));
        Assert.Equal(("no", 6), (Scalar(svc, "restart").Text, Scalar(svc, "restart").Line));
        Assert.Equal(("ollama/ollama", 2), (Scalar(svc, "image").Text, Scalar(svc, "image").Line));
        Assert.Equal("127.0.0.1:11434:11434", Assert.IsType<InfraScalar>(Assert.Single(Assert.IsType<InfraList>(svc.Get("ports")).Items)).Text);
    }

    [Fact]
    public void A_merge_of_several_maps_takes_each_key_from_the_first_that_has_it()
    {
        var (documents, errors) = Parse("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n");

        Assert.Empty(errors);
        var c = Map(Map(Assert.Single(documents)).Get("c")!);
        Assert.Equal([("x", "1"), ("y", "1"), ("z", "3")], c.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, ((InfraScalar)e.Value).Text)));
    }

    [Theory]
    [InlineData("\"true\"", "true", ScalarKind.Text)]
    [InlineData("'false'", "false", ScalarKind.Text)]
    [InlineData("true", "true", ScalarKind.Boolean)]
    [InlineData("False", "False", ScalarKind.Boolean)]
    [InlineData("yes", "yes", ScalarKind.Text)]        // YAML 1.2: yes is text (checks still read it as true)
    [InlineData("1.5", "1.5", ScalarKind.Number)]
    [InlineData("-3", "-3", ScalarKind.Number)]
    [InlineData("1e3", "1e3", ScalarKind.Number)]
    [InlineData("\"8000\"", "8000", ScalarKind.Text)]
    [InlineData("~", "~", ScalarKind.Null)]
    [InlineData("null", "null", ScalarKind.Null)]
    [InlineData("", "", ScalarKind.Null)]
    [InlineData("!!str true", "true", ScalarKind.Text)]
    [InlineData("8000:8000", "8000:8000", ScalarKind.Text)]
    [InlineData("v1.2", "v1.2", ScalarKind.Text)]
    [InlineData("|\n  two\n  lines", "two\nlines\n", ScalarKind.Text)]
    public void Plain_scalars_are_typed_and_quoted_ones_are_text(string yaml, string text, ScalarKind kind)
    {
        var (documents, errors) = Parse("v: " + yaml + "\n");
        Assert.Empty(errors);
        var value = Scalar(Map(Assert.Single(documents)), "v");
        Assert.Equal((text, kind), (value.Text, value.Kind));
    }

    [Fact]
    public void Values_and_keys_have_1_based_lines_and_columns()
    {
        var (documents, _) = Parse("# comment\nspec:\n  ports:\n    - 80\n    - {port: 443}\n");
        var root = Map(Assert.Single(documents));
        var spec = Map(root.Get("spec")!);
        var ports = Assert.IsType<InfraList>(spec.Get("ports"));

        Assert.Equal((2, 1), (root.Line, root.Column));
        Assert.Equal((2, 1), (root.Entries[0].Line, root.Entries[0].Column));
        Assert.Equal((3, 3), (spec.Entries[0].Line, spec.Entries[0].Column));
        Assert.Equal((4, 5), (ports.Line, ports.Column));
        Assert.Equal((4, 7), (ports.Items[0].Line, ports.Items[0].Column));
        var flow = Map(ports.Items[1]);
        Assert.Equal(((5, 7), (5, 8), (5, 14)), ((flow.Line, flow.Column), (flow.Entries[0].Line, flow.Entries[0].Column), (flow.Entries[0].Value.Line, flow.Entries[0].Value.Column)));
    }

    [Fact]
    public void Tabs_and_control_characters_are_errors_not_crashes()
    {
        foreach (var text in new[] { "a:\n\tb: 1\n", "a: \u0001\n", "a: \"\\x\"\n", "? [a\n", "a: 'x\n", "%YAML 9.9\n---\na: 1\n", "a: !<tag:x> 1\nb: &\n" })
        {
            var (_, errors) = Parse(text);
            Assert.All(errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, $"{text}: {e}"));
        }
    }
}
