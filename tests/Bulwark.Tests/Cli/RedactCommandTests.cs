namespace Bulwark.Tests.Cli;

public class RedactCommandTests
{
    [Fact]
    public void Redact_then_restore_round_trips_through_an_encrypted_vault()
    {
        using var dir = new TempDirectory();
        using var rules = new TempDirectory();
        rules.Write("test.yaml", TestRules.Pack);
        var key = dir.Write("key.txt", Bulwark.Data.Anonymization.AnonymizationKey.Generate().ToBase64());
        var original = $"deploy with {TestRules.Token}\nand again {TestRules.Token}\n";
        var input = dir.Write("in.txt", original);
        var masked = dir.Combine("masked.txt");
        var vault = dir.Combine("vault.bin");

        var redact = BulwarkProcess.Run(["redact", input, "--operator", "pseudonymize", "--key-file", key, "--vault", vault, "-o", masked, "--rules", rules.Path, "--no-default-rules"]);
        Assert.Equal(0, redact.ExitCode);
        Assert.Contains("anonymised 2 value(s)", redact.Stderr, StringComparison.Ordinal);
        Assert.Equal("deploy with <SECRET_1>\nand again <SECRET_1>\n", File.ReadAllText(masked));

        var restore = BulwarkProcess.Run(["restore", masked, "--key-file", key, "--vault", vault]);
        Assert.Equal(0, restore.ExitCode);
        Assert.Equal(original, restore.Stdout);
    }

    [Fact]
    public void Stdin_works_and_a_keyed_operator_without_a_key_is_exit_code_2()
    {
        using var rules = new TempDirectory();
        rules.Write("test.yaml", TestRules.Pack);
        var replaced = BulwarkProcess.Run(["redact", "-", "--rules", rules.Path, "--no-default-rules"], $"key={TestRules.Token}");
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal("key=<SECRET>", replaced.Stdout);

        var noKey = BulwarkProcess.Run(["redact", "-", "--operator", "hash"], "x");
        Assert.Equal(2, noKey.ExitCode);
        Assert.Contains("--key-file", noKey.Stderr, StringComparison.Ordinal);
    }
}
