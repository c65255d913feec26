using Bulwark.Infra.Probe;
using Bulwark.Kernel;

namespace Bulwark.Tests.Infra.Probe;

public sealed class ProbeTargetParserTests
{
    private static readonly int[] Defaults = [8000, 11434];

    [Theory]
    [InlineData("10.0.0.5", "http://10.0.0.5:8000/ http://10.0.0.5:11434/")]
    [InlineData("gpu-box.internal:8080", "http://gpu-box.internal:8080/")]
    [InlineData("GPU-Box:8080,8081", "http://gpu-box:8080/ http://gpu-box:8081/")]
    [InlineData("host:7860-7862", "http://host:7860/ http://host:7861/ http://host:7862/")]
    [InlineData("[::1]:8080", "http://[::1]:8080/")]
    [InlineData("[::1]", "http://[::1]:8000/ http://[::1]:11434/")]
    [InlineData("fe80::1", "http://[fe80::1]:8000/ http://[fe80::1]:11434/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("https://models.example.com", "https://models.example.com/")]
    [InlineData("https://[::1]:8443/", "https://[::1]:8443/")]
    public void Targets_become_endpoints(string target, string expected)
    {
        var endpoints = ProbeTargetParser.Parse([target], Defaults);
        Assert.Equal(expected, string.Join(' ', endpoints.Select(e => e.BaseUri.ToString())));
    }

    [Fact]
    public void Tls_applies_to_targets_without_a_scheme_and_duplicates_collapse()
    {
        var endpoints = ProbeTargetParser.Parse(["host:8443", "host:8443", "http://host:80"], Defaults, https: true);
        Assert.Equal(["https://host:8443/", "http://host/"], endpoints.Select(e => e.BaseUri.ToString()));
    }

    [Theory]
    [InlineData("host:99999", "not a port")]
    [InlineData("host:", "not a port")]
    [InlineData("host:80-70", "backwards")]
    [InlineData("[::1", "without closing")]
    [InlineData("[::1]x", "not ':PORT'")]
    [InlineData("ftp://host", "only http:// and https://")]
    [InlineData("http://host/v1/models", "root URL")]
    [InlineData("bad host!:80", "valid host")]
    [InlineData("", "empty target")]
    [InlineData("host:1-65535", "over 10,000 ports")]
    public void Bad_targets_are_input_errors(string target, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => ProbeTargetParser.Parse([target], Defaults));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Port_lists_keep_order_and_drop_duplicates()
    {
        Assert.Equal([8080, 8000, 8001], ProbeTargetParser.ParsePorts("8080, 8000-8001,8080"));
    }
}
