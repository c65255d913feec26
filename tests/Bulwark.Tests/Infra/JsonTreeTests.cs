using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

public class JsonTreeTests
{
    [Fact]
    public void Values_and_keys_carry_kinds_and_positions()
    {
        var (value, errors) = JsonTree.Parse("""
            {
              "name": "x",
              "count": 3,
              "ratio": -1.5e3,
              "on": true,
              "off": false,
              "none": null,
              "list": [1, "two", {"k": "v"}],
              "é😀": "ünï", "z": 1,
              "name": "again"
            }
            """, InfraParseLimits.Default);
        Assert.Empty(errors);
        var map = Assert.IsType<InfraMap>(value);
        Assert.Equal((1, 1), (map.Line, map.Column));
        AssertScalar(map.Get("name"), "x", ScalarKind.Text, 2, 11);
        AssertScalar(map.Get("count"), "3", ScalarKind.Number, 3, 12);
        AssertScalar(map.Get("ratio"), "-1.5e3", ScalarKind.Number, 4, 12);
        AssertScalar(map.Get("on"), "true", ScalarKind.Boolean, 5, 9);
        AssertScalar(map.Get("off"), "false", ScalarKind.Boolean, 6, 10);
        AssertScalar(map.Get("none"), "null", ScalarKind.Null, 7, 11);
        var list = Assert.IsType<InfraList>(map.Get("list"));
        Assert.Equal((8, 11), (list.Line, list.Column));
        AssertScalar(list.Items[1], "two", ScalarKind.Text, 8, 15);
        var inner = Assert.IsType<InfraMap>(list.Items[2]);
        Assert.Equal((8, 22), (inner.Line, inner.Column));
        Assert.Equal((8, 23), (inner.Entries[0].Line, inner.Entries[0].Column));

        // Columns count UTF-16 units: é is one, the emoji two.
        AssertScalar(map.Get("é😀"), "ünï", ScalarKind.Text, 9, 10);
        var z = map.Entries.Single(e => e.Key == "z");
        Assert.Equal((9, 17), (z.Line, z.Column));
        Assert.Equal(["x", "again"], map.GetAll("name").Cast<InfraScalar>().Select(s => s.Text));
    }

    [Fact]
    public void A_byte_order_mark_and_escapes_are_handled()
    {
        var (value, errors) = JsonTree.Parse("\uFEFF{\"a\": \"q\\\"\\u00e9\\n\"}", InfraParseLimits.Default);
        Assert.Empty(errors);
        AssertScalar(Assert.IsType<InfraMap>(value).Get("a"), "q\"é\n", ScalarKind.Text, 1, 8);
    }

    [Fact]
    public void Malformed_json_is_one_error_at_the_place_it_breaks_with_the_part_before_kept()
    {
        var (value, errors) = JsonTree.Parse("{\"a\": 1,\n \"b\": [1, 2,, 3]}", InfraParseLimits.Default);
        var error = Assert.Single(errors);
        Assert.Equal((2, 13), (error.Line, error.Column));
        Assert.StartsWith("invalid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
        var map = Assert.IsType<InfraMap>(value);
        Assert.Equal("1", map.Text("a"));
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("{\"a\": \"abc", 1, 11)] // the reader stops at the end, where the string should have closed
    [InlineData("{} x", 1, 4)]
    [InlineData("[1, 2", 1, 6)]
    [InlineData("{\n  \"a\": tru\n}", 2, 11)]
    public void Broken_inputs_report_a_place_within_the_text(string text, int line, int column)
    {
        var (_, errors) = JsonTree.Parse(text, InfraParseLimits.Default);
        var error = Assert.Single(errors);
        Assert.Equal((line, column), (error.Line, error.Column));
    }

    [Theory]
    [InlineData('[')]
    [InlineData('{')]
    public void Deep_nesting_is_a_depth_error_not_a_stack_overflow(char opener)
    {
        var text = opener == '[' ? new string('[', 100_000) : string.Concat(Enumerable.Repeat("{\"a\":", 100_000));
        var (value, errors) = JsonTree.Parse(text, InfraParseLimits.Default);
        var error = Assert.Single(errors);
        Assert.Equal("nesting deeper than 64", error.Message);
        Assert.Equal(1, error.Line);
        Assert.NotNull(value);
    }

    [Fact]
    public void Values_past_the_node_limit_stop_reading()
    {
        var errors = new List<InfraParseError>();
        var value = JsonTree.Parse("[" + string.Join(",", Enumerable.Range(0, 100)) + "]", InfraParseLimits.Default with { MaxNodes = 10 }, errors);
        Assert.Equal("more than 10 values: the rest of the file is not read", Assert.Single(errors).Message);
        Assert.True(Assert.IsType<InfraList>(value).Items.Count <= 11); // reading stops at the value past the bound
    }

    private static void AssertScalar(InfraValue? value, string text, ScalarKind kind, int line, int column)
    {
        var scalar = Assert.IsType<InfraScalar>(value);
        Assert.Equal((text, kind, line, column), (scalar.Text, scalar.Kind, scalar.Line, scalar.Column));
    }
}
