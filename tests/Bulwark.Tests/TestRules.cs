using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests;

/// <summary>Small rule packs authored for tests, independent of the shipped packs.</summary>
internal static class TestRules
{
    public const string Token = "tk_live_9fQ2xLw7Rb3Nz8Kp1Vd4";

    public const string Pack = """
        pack: test
        rules:
          - id: BW-DATA-SECRET-TESTTOKEN
            name: Test token
            severity: high
            keywords: [tk_live_]
            pattern: '\b(?<secret>tk_live_[A-Za-z0-9]{20})\b'
            tests:
              must-match: ['x = "tk_live_9fQ2xLw7Rb3Nz8Kp1Vd4"']
              must-not-match: ['tk_live_short']
          - id: BW-DATA-SECRET-TESTPEM
            name: Test private key
            severity: critical
            keywords: ['-----BEGIN TEST KEY-----']
            multiline: true
            pattern: '-----BEGIN TEST KEY-----\s*(?<secret>[A-Za-z0-9+/=\s]{20,4000}?)-----END TEST KEY-----'
            tests:
              must-match: ["-----BEGIN TEST KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n-----END TEST KEY-----"]
          - id: BW-DATA-SECRET-TESTGENERIC
            name: Test generic secret
            severity: medium
            generic: true
            keywords: [secret]
            pattern: '(?i)secret\s*=\s*"(?<secret>[A-Za-z0-9_]{16,64})"'
            min-entropy: 3.0
            tests:
              must-match: ['secret = "Zq8Rw2Lx9Pv4Nk7Tb1"']
        """;

    public static RuleCatalog Catalog() => RuleCatalog.FromPacks([RulePackLoader.Parse(Pack, "test-pack.yaml")]);
}
