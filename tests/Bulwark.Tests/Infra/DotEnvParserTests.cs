using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

public class DotEnvParserTests
{
    private const string Sample =
        "# settings for the local stack\n" +                       // 1
        "export OLLAMA_HOST=0.0.0.0\n" +                            // 2
        "OPENAI_API_KEY = sk-test # trailing comment\n" +          // 3
        "EMPTY=\n" +                                                // 4
        "BARE\n" +                                                  // 5
        "SINGLE='literal $HOME \\n'\n" +                            // 6
        "DOUBLE=\"line1\\nline2 \\\"quoted\\\" back\\\\slash\"\n" + // 7
        "MULTI=\"first\n" +                                         // 8
        "second\"  # after\n" +                                     // 9
        "URL=http://x/#anchor\n" +                                  // 10
        "  \n" +                                                    // 11
        "\tINDENTED=yes\n";                                         // 12

    private static InfraFile Parse(string text, InfraParseLimits? limits = null) =>
        DotEnvParser.Parse("deploy/.env.local", text, limits ?? InfraParseLimits.Default);

    private static InfraMap Body(InfraFile file) => Assert.Single(file.Resources).Body;

    private static (int, int) At(InfraValue value) => (value.Line, value.Column);

    private static (int, int) At(InfraParseError error) => (error.Line, error.Column);

    private static (int, int) KeyAt(InfraMap map, string key)
    {
        var entry = Assert.Single(map.Entries, e => e.Key == key);
        return (entry.Line, entry.Column);
    }

    [Fact]
    public void One_resource_maps_every_variable()
    {
        var file = Parse(Sample);

        Assert.Empty(file.Errors);
        Assert.Equal(InfraFormat.DotEnv, file.Format);
        var resource = Assert.Single(file.Resources);
        Assert.Equal(("dotenv", ".env.local", "deploy/.env.local", "deploy/.env.local"), (resource.Type, resource.Name, resource.Address, resource.Path));
        Assert.Equal((1, 1), At(resource.Body));
        Assert.Equal(
            ["OLLAMA_HOST", "OPENAI_API_KEY", "EMPTY", "BARE", "SINGLE", "DOUBLE", "MULTI", "URL", "INDENTED"],
            resource.Body.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Values_follow_compose_and_python_dotenv()
    {
        var body = Body(Parse(Sample));

        Assert.Equal("0.0.0.0", body.Text("OLLAMA_HOST"));
        Assert.Equal("sk-test", body.Text("OPENAI_API_KEY"));
        Assert.Equal("", body.Text("EMPTY"));
        Assert.Equal(ScalarKind.Text, ((InfraScalar)body.Get("EMPTY")!).Kind);
        Assert.Equal(ScalarKind.Null, ((InfraScalar)body.Get("BARE")!).Kind);
        Assert.Equal("literal $HOME \\n", body.Text("SINGLE"));
        Assert.Equal("line1\nline2 \"quoted\" back\\slash", body.Text("DOUBLE"));
        Assert.Equal("first\nsecond", body.Text("MULTI"));
        Assert.Equal("http://x/#anchor", body.Text("URL"));
        Assert.Equal("yes", body.Text("INDENTED"));
    }

    [Fact]
    public void Keys_and_values_carry_their_own_places()
    {
        var body = Body(Parse(Sample));

        Assert.Equal((2, 8), KeyAt(body, "OLLAMA_HOST"));
        Assert.Equal((2, 20), At(body.Get("OLLAMA_HOST")!));
        Assert.Equal((3, 1), KeyAt(body, "OPENAI_API_KEY"));
        Assert.Equal((3, 18), At(body.Get("OPENAI_API_KEY")!));
        Assert.Equal((4, 7), At(body.Get("EMPTY")!));
        Assert.Equal((5, 1), At(body.Get("BARE")!));
        Assert.Equal((8, 7), At(body.Get("MULTI")!));
        Assert.Equal((10, 1), KeyAt(body, "URL")); // line count kept across the multi-line value
        Assert.Equal((12, 2), KeyAt(body, "INDENTED"));
    }

    [Fact]
    public void Crlf_and_a_byte_order_mark_are_read()
    {
        var body = Body(Parse("\uFEFFA=1\r\nB=\"x\r\ny\"\r\nC = 'z' \r\n"));

        Assert.Equal("1", body.Text("A"));
        Assert.Equal((1, 1), KeyAt(body, "A"));
        Assert.Equal("x\ny", body.Text("B"));
        Assert.Equal("z", body.Text("C"));
        Assert.Equal((4, 1), KeyAt(body, "C"));
    }

    [Fact]
    public void The_last_assignment_wins()
    {
        var body = Body(Parse("HOST=127.0.0.1\nPORT=1\nHOST=0.0.0.0\n"));

        Assert.Equal(["PORT", "HOST"], body.Entries.Select(e => e.Key));
        Assert.Equal("0.0.0.0", body.Text("HOST"));
        Assert.Equal((3, 1), KeyAt(body, "HOST"));
    }

    [Fact]
    public void Malformed_lines_are_errors_and_reading_goes_on()
    {
        var file = Parse(
            "1BAD=x\n" +                  // invalid name
            "GOOD=1\n" +
            "  KEY:value\n" +             // invalid name (':' is not a name character)
            "NOEQ value\n" +              // no '='
            "Q='a'b\n" +                  // text after the closing quote
            "OPEN=\"never closed\n" +      // unterminated: the next line is read again
            "AFTER=2\n" +
            "S='also open\n" +
            "LAST=3\n");

        Assert.Equal([(1, 1), (3, 3), (4, 6), (5, 6), (6, 6), (8, 3)], file.Errors.Select(At));
        Assert.Contains("invalid variable name '1BAD'", file.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("expected '='", file.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("after the closing quote", file.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated double-quoted", file.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated single-quoted", file.Errors[5].Message, StringComparison.Ordinal);
        Assert.Equal(["GOOD", "AFTER", "LAST"], Body(file).Entries.Select(e => e.Key));
    }

    [Fact]
    public void Errors_stop_at_max_errors()
    {
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"-bad{i}\n")) + "OK=1\n";

        var file = Parse(text, InfraParseLimits.Default with { MaxErrors = 3 });

        Assert.Equal(4, file.Errors.Count);
        Assert.Equal("47 more errors", file.Errors[3].Message);
        Assert.Equal("1", Body(file).Text("OK"));
    }

    [Fact]
    public void Values_stop_at_max_nodes()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"V{i}=x\n"));

        var file = Parse(text, InfraParseLimits.Default with { MaxNodes = 100 });

        Assert.Single(file.Errors);
        Assert.Equal(100, Body(file).Entries.Count);
    }

    [Fact]
    public void Hostile_quotes_across_many_lines_are_read_in_linear_time()
    {
        var text = string.Concat(Enumerable.Repeat("A=\"x\nB='y\n", 100_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var file = Parse(text);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(InfraParseLimits.Default.MaxErrors + 1, file.Errors.Count);
    }

    [Theory]
    [InlineData(".env", true)]
    [InlineData("app/.env", true)]
    [InlineData(".env.local", true)]
    [InlineData("deploy\\.env.production", true)]
    [InlineData("prod.env", true)]
    [InlineData(".ENV", true)]
    [InlineData(".envrc", false)]
    [InlineData(".env.", false)]
    [InlineData("environment.yaml", false)]
    [InlineData("env", false)]
    public void Handles_dotenv_names(string path, bool handled) => Assert.Equal(handled, DotEnvParser.Handles(path));
}
