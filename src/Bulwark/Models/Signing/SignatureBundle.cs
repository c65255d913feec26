using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bulwark.Models.Signing;

/// <summary>The signature file could not be read as a model signature (malformed, unsupported, inconsistent).</summary>
public sealed class SignatureFormatException(string message) : Exception(message)
{
    public SignatureFormatException() : this("malformed signature") { }

    public SignatureFormatException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>A parsed Sigstore bundle (v0.3) holding a DSSE envelope signed with a key, as OpenSSF model-signing writes it.</summary>
public sealed record SignatureBundle(string? KeyHint, string PayloadType, byte[] Payload, byte[] Signature, string? KeyId);

/// <summary>
/// The three layers of an OpenSSF model-signing v1.0 signature, innermost first: an in-toto Statement v1 (predicate
/// <c>https://model_signing/signature/v1.0</c>) in a DSSE envelope in a Sigstore bundle whose verification material
/// is a public-key hint. Written as compact JSON with no trailing newline; read strictly (unknown fields, non-canonical
/// base64 and duplicate keys are refused), so that no byte of the file can change without failing verification.
/// </summary>
public static class SignatureBundleFormat
{
    public const string BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://model_signing/signature/v1.0";

    /// <summary>Largest signature file read (a manifest of a million files is about 150 MB; this is generous for models).</summary>
    public const long MaxSignatureBytes = 256L << 20;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>The in-toto statement for a manifest: the model-signing v1.0 predicate, compact UTF-8 JSON.</summary>
    public static byte[] Statement(ModelManifest manifest)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("_type", StatementType);
            json.WriteStartArray("subject");
            json.WriteStartObject();
            json.WriteString("name", manifest.ModelName);
            json.WriteStartObject("digest");
            json.WriteString("sha256", manifest.RootDigest);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteString("predicateType", PredicateType);
            json.WriteStartObject("predicate");
            json.WriteStartObject("serialization");
            json.WriteString("method", "files");
            json.WriteString("hash_type", "sha256");
            json.WriteBoolean("allow_symlinks", manifest.Serialization.AllowSymlinks);
            json.WriteStartArray("ignore_paths");
            foreach (var path in manifest.Serialization.IgnorePaths) json.WriteStringValue(path);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("resources");
            foreach (var resource in manifest.Resources)
            {
                json.WriteStartObject();
                json.WriteString("name", resource.Name);
                json.WriteString("algorithm", "sha256");
                json.WriteString("digest", resource.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The bundle file's bytes: compact JSON, key order as protobuf's JSON mapping writes them.</summary>
    public static byte[] Write(SignatureBundle bundle)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("mediaType", BundleMediaType);
            json.WriteStartObject("verificationMaterial");
            json.WriteStartObject("publicKey");
            if (bundle.KeyHint is not null) json.WriteString("hint", bundle.KeyHint);
            json.WriteEndObject();
            json.WriteStartArray("tlogEntries");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("dsseEnvelope");
            json.WriteString("payload", Convert.ToBase64String(bundle.Payload));
            json.WriteString("payloadType", bundle.PayloadType);
            json.WriteStartArray("signatures");
            json.WriteStartObject();
            json.WriteString("sig", Convert.ToBase64String(bundle.Signature));
            if (!string.IsNullOrEmpty(bundle.KeyId)) json.WriteString("keyid", bundle.KeyId);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a bundle; anything unexpected is a <see cref="SignatureFormatException"/>.</summary>
    public static SignatureBundle Read(byte[] bytes)
    {
        var document = Parse(bytes, "the signature file");
        using (document)
        {
            var root = Object(document.RootElement, "bundle", "mediaType", "verificationMaterial", "dsseEnvelope");
            if (String(root, "mediaType") is var mediaType && mediaType != BundleMediaType)
            {
                throw new SignatureFormatException($"unsupported bundle media type '{mediaType}' (expected {BundleMediaType})");
            }
            var material = Object(Property(root, "verificationMaterial"), "verificationMaterial", "publicKey", "tlogEntries", "timestampVerificationData");
            if (!material.TryGetProperty("publicKey", out var publicKey))
            {
                throw new SignatureFormatException("the bundle has no public-key verification material (certificate and Sigstore keyless bundles are not supported)");
            }
            Object(publicKey, "publicKey", "hint");
            string? hint = publicKey.TryGetProperty("hint", out _) ? String(publicKey, "hint") : null;
            if (material.TryGetProperty("tlogEntries", out var tlog) && (tlog.ValueKind != JsonValueKind.Array || tlog.GetArrayLength() != 0))
            {
                throw new SignatureFormatException("transparency-log entries are not supported in a key-signed bundle");
            }
            if (material.TryGetProperty("timestampVerificationData", out var timestamps) && timestamps.ValueKind != JsonValueKind.Object)
            {
                throw new SignatureFormatException("malformed timestampVerificationData");
            }
            var envelope = Object(Property(root, "dsseEnvelope"), "dsseEnvelope", "payload", "payloadType", "signatures");
            var payload = Base64(String(envelope, "payload"), "payload");
            var payloadType = String(envelope, "payloadType");
            var signatures = Property(envelope, "signatures");
            if (signatures.ValueKind != JsonValueKind.Array || signatures.GetArrayLength() != 1)
            {
                throw new SignatureFormatException("the envelope must hold exactly one signature");
            }
            var signature = Object(signatures[0], "signature", "sig", "keyid");
            var sig = Base64(String(signature, "sig"), "sig");
            string? keyId = signature.TryGetProperty("keyid", out _) ? String(signature, "keyid") : null;
            return new SignatureBundle(hint, payloadType, payload, sig, keyId);
        }
    }

    /// <summary>The manifest in a verified statement; anything unexpected is a <see cref="SignatureFormatException"/>.</summary>
    public static ModelManifest ReadStatement(byte[] payload)
    {
        var document = Parse(payload, "the signed statement");
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("the signed statement is not a JSON object");
            if (String(root, "_type") is var type && type != StatementType) throw new SignatureFormatException($"statement type '{type}' is not {StatementType}");
            if (String(root, "predicateType") is var predicateType && predicateType != PredicateType)
            {
                throw new SignatureFormatException($"predicate type '{predicateType}' is not supported (expected {PredicateType})");
            }
            var subjects = Property(root, "subject");
            if (subjects.ValueKind != JsonValueKind.Array || subjects.GetArrayLength() != 1) throw new SignatureFormatException("the statement must have exactly one subject");
            var subject = subjects[0];
            if (subject.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("malformed subject");
            var name = String(subject, "name");
            var digest = Property(subject, "digest");
            if (digest.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("malformed subject digest");
            var rootDigest = Hex(String(digest, "sha256"), "subject digest");

            var predicate = Property(root, "predicate");
            if (predicate.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("malformed predicate");
            var serialization = Property(predicate, "serialization");
            if (serialization.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("malformed serialization");
            if (String(serialization, "method") is var method && method != "files")
            {
                throw new SignatureFormatException($"serialization method '{method}' is not supported (only 'files')");
            }
            if (String(serialization, "hash_type") is var hashType && hashType != "sha256")
            {
                throw new SignatureFormatException($"hash type '{hashType}' is not supported (only 'sha256')");
            }
            var allowSymlinks = Property(serialization, "allow_symlinks").ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new SignatureFormatException("allow_symlinks is not a boolean"),
            };
            var ignores = new List<string>();
            if (serialization.TryGetProperty("ignore_paths", out var ignorePaths))
            {
                if (ignorePaths.ValueKind != JsonValueKind.Array) throw new SignatureFormatException("ignore_paths is not an array");
                foreach (var path in ignorePaths.EnumerateArray())
                {
                    if (path.ValueKind != JsonValueKind.String) throw new SignatureFormatException("ignore_paths holds a non-string");
                    ignores.Add(path.GetString()!);
                }
            }

            var resources = Property(predicate, "resources");
            if (resources.ValueKind != JsonValueKind.Array) throw new SignatureFormatException("resources is not an array");
            var entries = new List<ManifestEntry>(resources.GetArrayLength());
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var resource in resources.EnumerateArray())
            {
                if (resource.ValueKind != JsonValueKind.Object) throw new SignatureFormatException("malformed resource");
                var resourceName = String(resource, "name");
                if (String(resource, "algorithm") is var algorithm && algorithm != "sha256")
                {
                    throw new SignatureFormatException($"resource '{resourceName}' uses '{algorithm}' (only sha256 is supported)");
                }
                if (!names.Add(resourceName)) throw new SignatureFormatException($"resource '{resourceName}' is listed twice");
                entries.Add(new ManifestEntry(resourceName, Hex(String(resource, "digest"), $"digest of '{resourceName}'")));
            }
            if (ModelManifest.RootDigestOf(entries) != rootDigest)
            {
                throw new SignatureFormatException("the subject digest does not match the listed resources (inconsistent manifest)");
            }
            return new ModelManifest(name, entries, new ManifestSerialization(ignores, allowSymlinks));
        }
    }

    /// <summary>JSON that is valid UTF-8 throughout (the reader checks strings only when they are read).</summary>
    private static JsonDocument Parse(byte[] bytes, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw new SignatureFormatException($"{what} is not valid UTF-8");
        try
        {
            return JsonDocument.Parse(bytes, Strict);
        }
        catch (JsonException e)
        {
            throw new SignatureFormatException($"{what} is not valid JSON", e);
        }
    }

    private static JsonElement Object(JsonElement element, string what, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new SignatureFormatException($"{what} is not a JSON object");
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(allowed, property.Name) < 0) throw new SignatureFormatException($"unexpected field '{property.Name}' in {what}");
        }
        return element;
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : throw new SignatureFormatException($"missing field '{name}'");

    private static string String(JsonElement element, string name)
    {
        var value = Property(element, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new SignatureFormatException($"field '{name}' is not a string");
    }

    /// <summary>Base64 that must be canonical (re-encoding gives the same text), so unused bits cannot be flipped unnoticed.</summary>
    private static byte[] Base64(string text, string what)
    {
        if (!System.Buffers.Text.Base64.IsValid(text)) throw new SignatureFormatException($"{what} is not valid base64");
        var bytes = Convert.FromBase64String(text);
        return Convert.ToBase64String(bytes) == text ? bytes : throw new SignatureFormatException($"{what} is not canonical base64");
    }

    private static string Hex(string text, string what) =>
        text.Length == 64 && text.All(char.IsAsciiHexDigitLower) ? text : throw new SignatureFormatException($"{what} is not a lowercase SHA-256 hex digest");
}
