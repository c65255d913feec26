using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Models.Signing;

namespace Bulwark.Tests.Models.Signing;

public sealed class ModelSigningTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _key = SigningKeys.Generate();
    private readonly SigningOptions _options = new();

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    private string Model => _dir.Combine("model");

    private void WriteModel()
    {
        _dir.Write("model/config.json", "{\"model_type\": \"llama\"}");
        _dir.WriteBytes("model/model.safetensors", [.. Enumerable.Range(0, 200).Select(i => (byte)i)]);
        _dir.Write("model/tokenizer/vocab.txt", "a\nb\nc\n");
        _dir.Write("model/.git/HEAD", "ref: refs/heads/main\n");
    }

    private VerificationResult Verify(ECDsa? key = null) => ModelSigning.Verify(Model, key ?? _key, _options);

    [Fact]
    public void Sign_then_verify_passes_and_the_manifest_lists_every_file_in_order()
    {
        WriteModel();
        var manifest = ModelSigning.Sign(Model, _key, _options);
        Assert.Equal(["config.json", "model.safetensors", "tokenizer/vocab.txt"], manifest.Resources.Select(r => r.Name));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_dir.Combine("model/config.json")))), manifest.Resources[0].Sha256);
        var result = Verify();
        Assert.True(result.Verified, result.SignatureError ?? string.Join(", ", result.Changes));
        Assert.Equal(3, result.FileCount);
        Assert.Equal("model", result.Manifest!.ModelName);
    }

    [Fact]
    public void Flipping_any_byte_of_any_model_file_fails_naming_that_file()
    {
        WriteModel();
        ModelSigning.Sign(Model, _key, _options);
        foreach (var name in new[] { "config.json", "model.safetensors", "tokenizer/vocab.txt" })
        {
            var path = _dir.Combine("model/" + name);
            var original = File.ReadAllBytes(path);
            for (var i = 0; i < original.Length; i++)
            {
                var flipped = (byte[])original.Clone();
                flipped[i] ^= 0x01;
                File.WriteAllBytes(path, flipped);
                var result = Verify();
                Assert.False(result.Verified, $"{name} byte {i}");
                var change = Assert.Single(result.Changes);
                Assert.Equal((name, FileChangeKind.Changed), (change.Name, change.Kind));
            }
            File.WriteAllBytes(path, original);
        }
        Assert.True(Verify().Verified);
    }

    [Fact]
    public void Changing_any_byte_of_the_signature_fails_naming_the_signature_file()
    {
        WriteModel();
        ModelSigning.Sign(Model, _key, _options);
        var path = _dir.Combine("model/model.sig");
        var original = File.ReadAllBytes(path);
        Assert.NotEqual((byte)'\n', original[^1]);
        foreach (var mask in new byte[] { 0x01, 0x20, 0xFF })
        {
            for (var i = 0; i < original.Length; i++)
            {
                var flipped = (byte[])original.Clone();
                flipped[i] ^= mask;
                File.WriteAllBytes(path, flipped);
                var result = Verify();
                Assert.False(result.Verified, $"byte {i} ^ 0x{mask:x2} ('{(char)original[i]}') still verifies");
                Assert.StartsWith("model.sig: ", result.SignatureError, StringComparison.Ordinal);
            }
        }
        File.WriteAllBytes(path, original);
        Assert.True(Verify().Verified);
    }

    [Fact]
    public void Added_and_removed_files_fail_by_name()
    {
        WriteModel();
        ModelSigning.Sign(Model, _key, _options);
        _dir.Write("model/extra/payload.py", "import os\n");
        _dir.WriteBytes("model/empty", []);
        var added = Verify();
        Assert.Equal([("empty", FileChangeKind.Added), ("extra/payload.py", FileChangeKind.Added)], added.Changes.Select(c => (c.Name, c.Kind)));

        File.Delete(_dir.Combine("model/extra/payload.py"));
        File.Delete(_dir.Combine("model/empty"));
        File.Delete(_dir.Combine("model/tokenizer/vocab.txt"));
        var removed = Verify();
        var change = Assert.Single(removed.Changes);
        Assert.Equal(("tokenizer/vocab.txt", FileChangeKind.Removed), (change.Name, change.Kind));
    }

    [Fact]
    public void Git_metadata_and_ignored_paths_are_left_out_and_recorded_in_the_signed_statement()
    {
        WriteModel();
        _dir.Write("model/logs/run.txt", "step 1\n");
        var options = _options with { Manifest = new ManifestOptions { Ignore = ["logs"] } };
        var manifest = ModelSigning.Sign(Model, _key, options);
        Assert.DoesNotContain(manifest.Resources, r => r.Name.StartsWith(".git", StringComparison.Ordinal) || r.Name.StartsWith("logs", StringComparison.Ordinal));
        _dir.Write("model/.git/HEAD", "changed");
        _dir.Write("model/logs/run.txt", "step 2\n");
        Assert.True(ModelSigning.Verify(Model, _key, _options).Verified, "the verifier applies the signed ignore list");
        Assert.Equal([".git", ".gitattributes", ".github", ".gitignore", "logs", "model.sig"], manifest.Serialization.IgnorePaths);
    }

    [Fact]
    public void A_wrong_public_key_fails_with_a_clear_message_with_or_without_a_key_hint()
    {
        WriteModel();
        ModelSigning.Sign(Model, _key, _options);
        using var other = SigningKeys.Generate();
        var result = Verify(other);
        Assert.False(result.Verified);
        Assert.Contains("signed by another key", result.SignatureError, StringComparison.Ordinal);

        // Without the (unsigned) hint the signature check itself must refuse the key.
        var path = _dir.Combine("model/model.sig");
        var bundle = SignatureBundleFormat.Read(File.ReadAllBytes(path));
        File.WriteAllBytes(path, SignatureBundleFormat.Write(bundle with { KeyHint = null }));
        Assert.True(Verify().Verified);
        Assert.Contains("does not verify with the given public key", Verify(other).SignatureError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_re_signed_payload_with_a_forged_manifest_fails_and_a_missing_signature_fails()
    {
        WriteModel();
        ModelSigning.Sign(Model, _key, _options);
        var path = _dir.Combine("model/model.sig");
        var bundle = SignatureBundleFormat.Read(File.ReadAllBytes(path));
        var statement = Encoding.UTF8.GetString(bundle.Payload).Replace("\"config.json\"", "\"config.jsom\"", StringComparison.Ordinal);
        File.WriteAllBytes(path, SignatureBundleFormat.Write(bundle with { Payload = Encoding.UTF8.GetBytes(statement) }));
        Assert.Contains("does not verify", Verify().SignatureError, StringComparison.Ordinal);

        File.Delete(path);
        Assert.Contains("model.sig: no signature", Verify().SignatureError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_statement_follows_the_model_signing_v1_predicate()
    {
        WriteModel();
        var manifest = ModelSigning.Sign(Model, _key, _options);
        using var bundle = JsonDocument.Parse(File.ReadAllBytes(_dir.Combine("model/model.sig")));
        Assert.Equal("application/vnd.dev.sigstore.bundle.v0.3+json", bundle.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(SigningKeys.KeyHint(_key), bundle.RootElement.GetProperty("verificationMaterial").GetProperty("publicKey").GetProperty("hint").GetString());
        var envelope = bundle.RootElement.GetProperty("dsseEnvelope");
        Assert.Equal("application/vnd.in-toto+json", envelope.GetProperty("payloadType").GetString());
        var payload = Convert.FromBase64String(envelope.GetProperty("payload").GetString()!);
        var sig = Convert.FromBase64String(envelope.GetProperty("signatures")[0].GetProperty("sig").GetString()!);
        Assert.Equal(0x30, sig[0]); // DER SEQUENCE
        Assert.True(_key.VerifyData(Dsse.Pae("application/vnd.in-toto+json", payload), sig, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        using var statement = JsonDocument.Parse(payload);
        var root = statement.RootElement;
        Assert.Equal("https://in-toto.io/Statement/v1", root.GetProperty("_type").GetString());
        Assert.Equal("https://model_signing/signature/v1.0", root.GetProperty("predicateType").GetString());
        var subject = root.GetProperty("subject")[0];
        Assert.Equal("model", subject.GetProperty("name").GetString());
        var concatenated = manifest.Resources.SelectMany(r => Convert.FromHexString(r.Sha256)).ToArray();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(concatenated)), subject.GetProperty("digest").GetProperty("sha256").GetString());
        var serialization = root.GetProperty("predicate").GetProperty("serialization");
        Assert.Equal("files", serialization.GetProperty("method").GetString());
        Assert.Equal("sha256", serialization.GetProperty("hash_type").GetString());
        Assert.False(serialization.GetProperty("allow_symlinks").GetBoolean());
        var resource = root.GetProperty("predicate").GetProperty("resources")[1];
        Assert.Equal(("model.safetensors", "sha256"), (resource.GetProperty("name").GetString(), resource.GetProperty("algorithm").GetString()));
    }

    [Fact]
    public void Dsse_pae_matches_the_specification_by_hand()
    {
        // DSSE protocol.md: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes.
        Assert.Equal("DSSEv1 29 http://example.com/HelloWorld 11 hello world",
            Encoding.UTF8.GetString(Dsse.Pae("http://example.com/HelloWorld", "hello world"u8)));
        Assert.Equal("DSSEv1 28 application/vnd.in-toto+json 0 ", Encoding.UTF8.GetString(Dsse.Pae("application/vnd.in-toto+json", [])));
        // Lengths count UTF-8 bytes, not characters: "é" is two bytes.
        Assert.Equal("DSSEv1 1 t 2 é"u8.ToArray(), Dsse.Pae("t", "é"u8));
    }

    [Fact]
    public void A_64_MB_file_hashes_like_the_one_shot_digest()
    {
        var data = new byte[64 << 20];
        new Random(7).NextBytes(data);
        var path = _dir.WriteBytes("big/weights.bin", data);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), ModelManifestBuilder.HashFile(path));
    }

    [Fact]
    public void Keys_round_trip_through_pem_plain_and_encrypted()
    {
        var data = "payload"u8.ToArray();
        var signature = _key.SignData(data, HashAlgorithmName.SHA256);
        var publicPem = SigningKeys.ExportPublicKeyPem(_key);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", publicPem, StringComparison.Ordinal);
        Assert.EndsWith("-----END PUBLIC KEY-----\n", publicPem, StringComparison.Ordinal);
        using var publicKey = SigningKeys.LoadPublicKey(publicPem, "k.pub");
        Assert.True(publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256));
        Assert.Equal(SigningKeys.KeyHint(_key), SigningKeys.KeyHint(publicKey));

        var plain = SigningKeys.ExportPrivateKeyPem(_key);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", plain, StringComparison.Ordinal);
        using var reloaded = SigningKeys.LoadPrivateKey(plain, "k.key", null);
        Assert.True(publicKey.VerifyData(data, reloaded.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));

        var encrypted = SigningKeys.ExportPrivateKeyPem(_key, "correct horse");
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", encrypted, StringComparison.Ordinal);
        using var decrypted = SigningKeys.LoadPrivateKey(encrypted, "k.key", "correct horse");
        Assert.Equal(SigningKeys.KeyHint(_key), SigningKeys.KeyHint(decrypted));
        Assert.Contains("wrong password", Assert.Throws<BulwarkInputException>(() => SigningKeys.LoadPrivateKey(encrypted, "k.key", "wrong")).Message, StringComparison.Ordinal);
        Assert.Contains("is encrypted", Assert.Throws<BulwarkInputException>(() => SigningKeys.LoadPrivateKey(encrypted, "k.key", null)).Message, StringComparison.Ordinal);
        Assert.Contains("is a private key", Assert.Throws<BulwarkInputException>(() => SigningKeys.LoadPublicKey(plain, "k.key")).Message, StringComparison.Ordinal);

        using var rsa = RSA.Create(2048);
        Assert.Throws<BulwarkInputException>(() => SigningKeys.LoadPrivateKey(rsa.ExportPkcs8PrivateKeyPem(), "rsa.key", null));
        using var sec1 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fromSec1 = SigningKeys.LoadPrivateKey(sec1.ExportECPrivateKeyPem(), "ec.key", null);
        Assert.Equal(SigningKeys.KeyHint(sec1), SigningKeys.KeyHint(fromSec1));
    }

    [Fact]
    public void Key_pairs_are_written_with_a_private_file_only_the_owner_can_read()
    {
        using var key = SigningKeys.Generate();
        var (privatePath, publicPath) = SigningKeys.WriteKeyPair(_dir.Combine("signer"), key, null, overwrite: false);
        Assert.True(File.Exists(publicPath));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));
        Assert.Throws<BulwarkInputException>(() => SigningKeys.WriteKeyPair(_dir.Combine("signer"), key, null, overwrite: false));
    }

    [Fact]
    public void Symlinks_are_refused_by_default_and_never_followed_out_of_the_model()
    {
        if (OperatingSystem.IsWindows()) return;
        WriteModel();
        var outside = _dir.Write("secret.txt", "outside");
        File.CreateSymbolicLink(_dir.Combine("model/inner-link"), "config.json");
        var refused = Assert.Throws<BulwarkInputException>(() => ModelSigning.Sign(Model, _key, _options));
        Assert.Contains("'inner-link' is a symbolic link", refused.Message, StringComparison.Ordinal);

        var allow = _options with { Manifest = new ManifestOptions { AllowSymlinks = true } };
        var manifest = ModelSigning.Sign(Model, _key, allow);
        Assert.Equal(manifest.Resources.Single(r => r.Name == "config.json").Sha256, manifest.Resources.Single(r => r.Name == "inner-link").Sha256);
        Assert.True(Verify().Verified, "the signed allow_symlinks applies at verification");

        File.CreateSymbolicLink(_dir.Combine("model/escape"), outside);
        var escaping = Assert.Throws<BulwarkInputException>(() => ModelSigning.Sign(Model, _key, allow));
        Assert.Contains("'escape' is a symbolic link that leaves the model directory", escaping.Message, StringComparison.Ordinal);
        File.CreateSymbolicLink(_dir.Combine("model/dotdot"), "../secret.txt");
        var result = Verify();
        Assert.Equal(["dotdot", "escape"], result.Changes.Select(c => c.Name));
        Assert.All(result.Changes, c => Assert.Equal(FileChangeKind.Unverifiable, c.Kind));
    }

    [Fact]
    public void Names_sort_by_code_point_like_a_byte_sort()
    {
        string[] names = ["b", "a/b", "a", "A", "é", "z", "\U0001F600", "\uFF21", "a-b", "a/a"];
        var sorted = names.OrderBy(n => n, Comparer<string>.Create(ModelManifestBuilder.CompareNames)).ToArray();
        var bytes = names.OrderBy(n => Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToArray();
        Assert.Equal(bytes, sorted);
    }
}
