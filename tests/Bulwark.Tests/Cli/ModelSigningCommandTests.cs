using System.Text.Json;

namespace Bulwark.Tests.Cli;

public class ModelSigningCommandTests
{
    [Fact]
    public void Keygen_sign_verify_then_a_flipped_byte_an_added_and_a_removed_file_fail_with_exit_1_naming_them()
    {
        using var dir = new TempDirectory();
        dir.Write("m/config.json", "{\"model_type\":\"bert\"}");
        dir.WriteBytes("m/weights/model.safetensors", [1, 2, 3, 4, 5, 6, 7, 8]);
        var keys = dir.Combine("signer");
        BulwarkProcess.Run("model", "keygen", "--out", keys).Expect(0);
        var sign = BulwarkProcess.Run("model", "sign", dir.Combine("m"), "--key", keys + ".key", "--json").Expect(0);
        Assert.Equal(2, JsonDocument.Parse(sign.Stdout).RootElement.GetProperty("files").GetInt32());
        Assert.Contains("verified: 2 file(s)", BulwarkProcess.Run("model", "verify", dir.Combine("m"), "--key", keys + ".pub").Expect(0).Stdout, StringComparison.Ordinal);

        var weights = dir.Combine("m/weights/model.safetensors");
        dir.WriteBytes("m/weights/model.safetensors", [1, 2, 3, 4, 5, 6, 7, 9]);
        dir.Write("m/extra.py", "print(1)");
        File.Delete(dir.Combine("m/config.json"));
        var failed = BulwarkProcess.Run("model", "verify", dir.Combine("m"), "--key", keys + ".pub", "--json").Expect(1);
        var changes = JsonDocument.Parse(failed.Stdout).RootElement.GetProperty("changes").EnumerateArray()
            .Select(c => (c.GetProperty("path").GetString(), c.GetProperty("change").GetString())).ToList();
        Assert.Equal([("config.json", "removed"), ("extra.py", "added"), ("weights/model.safetensors", "changed")], changes);
        Assert.Contains("weights/model.safetensors", failed.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(weights));
    }

    [Fact]
    public void An_encrypted_key_signs_with_its_password_from_the_environment_and_bad_input_exits_2()
    {
        using var dir = new TempDirectory();
        dir.Write("m/model.gguf", "GGUF");
        var keys = dir.Combine("k");
        Environment.SetEnvironmentVariable("BULWARK_TEST_KEY_PASSWORD", "s3cret-pass");
        try
        {
            BulwarkProcess.Run("model", "keygen", "--out", keys, "--password-env", "BULWARK_TEST_KEY_PASSWORD").Expect(0);
            BulwarkProcess.Run("model", "sign", dir.Combine("m"), "--key", keys + ".key", "--password-env", "BULWARK_TEST_KEY_PASSWORD").Expect(0);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BULWARK_TEST_KEY_PASSWORD", null);
        }
        Assert.Contains("is encrypted", BulwarkProcess.Run("model", "sign", dir.Combine("m"), "--key", keys + ".key").Expect(2).Stderr, StringComparison.Ordinal);
        BulwarkProcess.Run("model", "verify", dir.Combine("m"), "--key", keys + ".pub").Expect(0);
        Assert.Contains("does not exist", BulwarkProcess.Run("model", "verify", dir.Combine("nope"), "--key", keys + ".pub").Expect(2).Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", BulwarkProcess.Run("model", "verify", dir.Combine("m"), "--key", dir.Combine("none.pub")).Expect(2).Stderr, StringComparison.Ordinal);
    }
}
