using System.Globalization;
using System.Text;
using Bulwark.Governance.ShadowAi;

namespace Bulwark.Tests.Governance;

public sealed class ServiceMatcherTests
{
    private static readonly ServiceMatcher Matcher = ServiceMatcher.Default;

    private static string? IdOf(string host)
    {
        var index = Matcher.Match(host);
        return index < 0 ? null : Matcher.Catalog.Services[index].Id;
    }

    private static string? IdOf(byte[] host)
    {
        var index = Matcher.Match(host);
        return index < 0 ? null : Matcher.Catalog.Services[index].Id;
    }

    [Theory]
    [InlineData("openai.com", "openai")]
    [InlineData("api.openai.com", "openai")]
    [InlineData("chat.openai.com", "openai")]
    [InlineData("chatgpt.com", "chatgpt")]
    [InlineData("ab.chatgpt.com", "chatgpt")]
    [InlineData("claude.ai", "claude")]
    [InlineData("api.anthropic.com", "anthropic")]
    [InlineData("gemini.google.com", "gemini")]
    [InlineData("generativelanguage.googleapis.com", "google-ai-studio")]
    [InlineData("copilot-proxy.githubusercontent.com", "github-copilot")]
    [InlineData("myresource.openai.azure.com", "azure-openai")]
    [InlineData("bedrock-runtime.us-east-1.amazonaws.com", "aws-bedrock")]
    public void Matches_known_hosts(string host, string id) => Assert.Equal(id, IdOf(host));

    [Theory]
    [InlineData("OpenAI.COM")]
    [InlineData("Chat.OpenAI.Com")]
    [InlineData("chat.openai.com.")]
    [InlineData("CHAT.OPENAI.COM.")]
    [InlineData("chat.openai.com:443")]
    [InlineData("chat.openai.com.:8443")]
    [InlineData("  chat.openai.com  ")]
    [InlineData("a.b.c.d.e.f.chat.openai.com")]
    public void Ignores_case_trailing_dot_port_and_finds_subdomains(string host) => Assert.Equal("openai", IdOf(host));

    [Fact]
    public void Longest_name_wins_when_names_nest()
    {
        Assert.Equal("le-chat", IdOf("chat.mistral.ai"));
        Assert.Equal("le-chat", IdOf("x.chat.mistral.ai"));
        Assert.Equal("mistral-ai", IdOf("api.mistral.ai"));
        Assert.Equal("mistral-ai", IdOf("mistral.ai"));
    }

    [Fact]
    public void Exact_hosts_do_not_match_their_subdomains()
    {
        Assert.Equal("github-copilot", IdOf("copilot-proxy.githubusercontent.com"));
        Assert.Null(IdOf("x.copilot-proxy.githubusercontent.com"));
        Assert.Null(IdOf("githubusercontent.com"));
        Assert.Null(IdOf("raw.githubusercontent.com"));
    }

    [Theory]
    [InlineData("notopenai.com")]
    [InlineData("openai.com.evil.net")]
    [InlineData("openai-com.net")]
    [InlineData("0penai.com")]
    [InlineData("openai.co")]
    [InlineData("openai.comm")]
    [InlineData("penai.com")]
    [InlineData("openaicom")]
    [InlineData("xopenai.com")]
    [InlineData("openai.com-evil.net")]
    [InlineData("chatgpt.com.attacker.io")]
    [InlineData("claude.ai.example")]
    [InlineData("myclaude.ai")]
    [InlineData("com")]
    [InlineData("ai")]
    [InlineData("googleapis.com")]
    [InlineData("google.com")]
    [InlineData("example.com")]
    public void Look_alikes_do_not_match(string host) => Assert.Null(IdOf(host));

    [Fact]
    public void Cyrillic_homoglyph_is_a_different_name()
    {
        // "оpenai.com" with U+043E: IDNA gives xn--penai-iye.com, which is not OpenAI's.
        const string homoglyph = "\u043Epenai.com";
        Assert.Equal("xn--penai-iye.com", new IdnMapping().GetAscii(homoglyph));
        Assert.Null(IdOf(homoglyph));
        Assert.Null(IdOf(Encoding.UTF8.GetBytes("chat." + homoglyph)));
        Assert.Null(IdOf("xn--penai-iye.com"));
        Assert.Null(IdOf("chat.xn--penai-iye.com"));
        Assert.Null(IdOf("open\u0430i.com")); // Cyrillic 'а'
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData(":")]
    [InlineData(":443")]
    [InlineData("openai.com:")]
    [InlineData("openai.com:44x")]
    [InlineData("openai.com:443443")]
    [InlineData("openai.com:443:1")]
    [InlineData(".openai.com")]
    [InlineData("chat..openai.com")]
    [InlineData("openai.com..")]
    [InlineData("open ai.com")]
    [InlineData("https://openai.com")]
    [InlineData("openai.com/v1/chat")]
    [InlineData("user@openai.com")]
    [InlineData("*.openai.com")]
    [InlineData("openai.com\0")]
    public void Garbage_does_not_match(string host) => Assert.Null(IdOf(host));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1:8080")]
    [InlineData("1.2.3.4.")]
    [InlineData("104.18.33.45")]
    [InlineData("[::1]")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("::1")]
    [InlineData("2001:db8::1")]
    [InlineData("fe80::1%eth0")]
    public void Ip_literals_never_match(string host) => Assert.Null(IdOf(host));

    [Fact]
    public void Too_long_hosts_do_not_match_and_do_not_throw()
    {
        // 254 characters: one over RFC 1035's limit, though it ends in a catalog domain.
        var longHost = string.Join('.', Enumerable.Repeat(new string('a', 60), 4)) + ".openai.com";
        Assert.True(longHost.Length > 253);
        Assert.Null(IdOf(longHost));
        Assert.Null(IdOf(new string('a', 64) + ".openai.com")); // a label over 63
        Assert.Null(IdOf(new string('a', 5000) + ".openai.com"));
        Assert.Null(IdOf(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("ü", 900)) + ".openai.com")));
        // 253 exactly still matches.
        var atLimit = new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 50) + ".openai.com";
        Assert.Equal(253, atLimit.Length);
        Assert.Equal("openai", IdOf(atLimit));
    }

    [Fact]
    public void Invalid_utf8_does_not_match()
    {
        Assert.Null(IdOf([0xFF, 0xFE, (byte)'.', (byte)'c', (byte)'o', (byte)'m']));
        Assert.Null(IdOf([(byte)'a', 0xC3, (byte)'.', (byte)'o', (byte)'p', (byte)'e', (byte)'n', (byte)'a', (byte)'i', (byte)'.', (byte)'c', (byte)'o', (byte)'m']));
        Assert.Null(IdOf([0xC0, 0xAF]));
    }

    [Fact]
    public void Utf8_subdomain_of_an_ascii_domain_matches()
    {
        Assert.Equal("openai", IdOf(Encoding.UTF8.GetBytes("bücher.openai.com")));
        Assert.Equal("openai", IdOf(Encoding.UTF8.GetBytes("Bücher.OpenAI.com.:443")));
    }

    private const string IdnCatalog = """
        services:
          - id: written-in-unicode
            name: Bücher KI
            vendor: Example
            category: chat-assistant
            domains: [Bücher-KI.example]
          - id: written-in-punycode
            name: Russian assistant
            vendor: Example
            category: chat-assistant
            domains: [xn----otbbfdkhgbh7i.xn--p1ai]
          - id: plain
            name: Plain
            vendor: Example
            category: model-api
            domains: [openai.com]
        """;

    [Fact]
    public void Unicode_catalog_domain_matches_punycode_and_utf8_hosts()
    {
        var matcher = new ServiceMatcher(GenAiCatalog.Parse(IdnCatalog, "idn.yaml"));
        Assert.Equal("xn--bcher-ki-65a.example", new IdnMapping().GetAscii("bücher-ki.example"));
        Assert.Contains("xn--bcher-ki-65a.example", matcher.AllDomains);
        Assert.Equal(0, matcher.Match("xn--bcher-ki-65a.example"u8));
        Assert.Equal(0, matcher.Match("API.XN--BCHER-KI-65A.EXAMPLE."u8));
        Assert.Equal(0, matcher.Match(Encoding.UTF8.GetBytes("bücher-ki.example")));
        Assert.Equal(0, matcher.Match(Encoding.UTF8.GetBytes("api.BÜCHER-KI.example:443")));
        Assert.Equal(-1, matcher.Match(Encoding.UTF8.GetBytes("bucher-ki.example")));
        Assert.Equal(-1, matcher.Match(Encoding.UTF8.GetBytes("bücher-ki.example.evil.net")));
    }

    [Fact]
    public void Punycode_catalog_domain_matches_utf8_and_punycode_hosts()
    {
        var matcher = new ServiceMatcher(GenAiCatalog.Parse(IdnCatalog, "idn.yaml"));
        Assert.Equal("xn----otbbfdkhgbh7i.xn--p1ai", new IdnMapping().GetAscii("ки-помощник.рф"));
        Assert.Equal(1, matcher.Match(Encoding.UTF8.GetBytes("ки-помощник.рф")));
        Assert.Equal(1, matcher.Match(Encoding.UTF8.GetBytes("чат.КИ-ПОМОЩНИК.РФ")));
        Assert.Equal(1, matcher.Match("chat.xn----otbbfdkhgbh7i.xn--p1ai"u8));
        Assert.Equal(-1, matcher.Match(Encoding.UTF8.GetBytes("ки-помощники.рф")));
    }

    [Fact]
    public void All_domains_lists_every_catalog_name_once()
    {
        var names = Matcher.Catalog.Services.SelectMany(s => s.Domains.Concat(s.Hosts)).ToList();
        Assert.Equal(names.Count, Matcher.AllDomains.Count);
        Assert.Equal(names.Order(StringComparer.Ordinal), Matcher.AllDomains);
        foreach (var name in Matcher.AllDomains) Assert.True(Matcher.Match(name) >= 0, name);
    }

    [Fact]
    public void Ascii_hosts_are_matched_without_allocating()
    {
        byte[][] hosts = ["chat.openai.com"u8.ToArray(), "WWW.GOOGLE.COM."u8.ToArray(), "10.0.0.1:443"u8.ToArray(),
            "bedrock-runtime.us-east-1.amazonaws.com"u8.ToArray(), "notopenai.com"u8.ToArray(), "[::1]:80"u8.ToArray()];
        var sink = 0;
        foreach (var host in hosts) sink += Matcher.Match(host);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            foreach (var host in hosts) sink += Matcher.Match(host);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.NotEqual(0, sink);
    }

    [Fact]
    public void Random_bytes_never_throw_and_give_a_valid_index()
    {
        var random = new Random(20240917);
        var alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]% /@*"u8.ToArray();
        var services = Matcher.Catalog.Services.Count;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, i % 100 == 0 ? 1200 : 80)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = random.Next(10) switch
                {
                    0 => (byte)random.Next(256),
                    _ => alphabet[random.Next(alphabet.Length)],
                };
            }
            var index = Matcher.Match(bytes);
            Assert.InRange(index, -1, services - 1);
        }
    }

    [Fact]
    public void Random_hosts_built_from_catalog_names_agree_with_a_naive_reference()
    {
        var random = new Random(7);
        var names = Matcher.AllDomains;
        var labels = new[] { "www", "api", "chat", "x-1", "cdn", "a", "openai", "com", "net", "evil", "0" };
        for (var i = 0; i < 20_000; i++)
        {
            var host = names[random.Next(names.Count)];
            for (var extra = random.Next(3); extra > 0; extra--) host = labels[random.Next(labels.Length)] + "." + host;
            switch (random.Next(6))
            {
                case 0: host += "." + labels[random.Next(labels.Length)]; break;   // look-alike: a known name as a prefix
                case 1: host = labels[random.Next(labels.Length)] + host; break;  // glued onto a label: not a boundary
                case 2: host = host.ToUpperInvariant(); break;
            }
            Assert.Equal(Reference(host), IdOf(host));
        }
    }

    // Obviously-right matching: every suffix on a label boundary, longest first; exact hosts only as the whole name.
    private static string? Reference(string host)
    {
        host = host.ToLowerInvariant();
        if (host.Length > 253) return null;
        foreach (var service in Matcher.Catalog.Services)
        {
            if (service.Hosts.Contains(host)) return service.Id;
        }
        for (var start = 0; start >= 0; start = host.IndexOf('.', start) is var dot and >= 0 ? dot + 1 : -1)
        {
            var suffix = host[start..];
            var owner = Matcher.Catalog.Services.FirstOrDefault(s => s.Domains.Contains(suffix));
            if (owner is not null) return owner.Id;
        }
        return null;
    }
}
