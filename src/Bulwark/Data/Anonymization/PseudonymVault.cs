using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Data.Anonymization;

/// <summary>
/// Placeholders and the originals they stand for, in one scope (a file, a conversation): <c>&lt;PERSON_1&gt;</c> is the
/// same person everywhere in it. Saved encrypted at rest (AES-256-GCM, the file's header bound in), so the vault
/// that can restore the data is no easier to read than the data was. Backed by an <see cref="IPseudonymStore"/>, the
/// placeholders are the store's (shared beyond this process) and this vault only remembers what it used. Thread-safe.
/// </summary>
public sealed class PseudonymVault(IPseudonymStore? store = null)
{
    private static readonly byte[] Magic = "BWVAULT1"u8.ToArray();
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    public const long MaxVaultBytes = 256L * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, string Value), string> _placeholders = [];
    private readonly Dictionary<string, string> _originals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_lock) return _originals.Count; }
    }

    public string PlaceholderFor(string entityType, string value)
    {
        lock (_lock)
        {
            if (_placeholders.TryGetValue((entityType, value), out var existing)) return existing;
        }
        // Asked outside the lock: a store answers over the network.
        var shared = store?.PlaceholderFor(entityType, value);
        lock (_lock)
        {
            if (_placeholders.TryGetValue((entityType, value), out var existing)) return existing;
            var placeholder = shared is not null && !_originals.ContainsKey(shared) ? shared : NextLocal(entityType);
            _placeholders[(entityType, value)] = placeholder;
            _originals[placeholder] = value;
            return placeholder;
        }
    }

    // Skips numbers already taken, so a local placeholder (the store failed) never shadows a shared one in this vault.
    private string NextLocal(string entityType)
    {
        while (true)
        {
            var placeholder = $"<{entityType}_{_counters[entityType] = _counters.GetValueOrDefault(entityType) + 1}>";
            if (!_originals.ContainsKey(placeholder)) return placeholder;
        }
    }

    public bool TryGetOriginal(string placeholder, out string original)
    {
        lock (_lock)
        {
            if (_originals.TryGetValue(placeholder, out original!)) return true;
        }
        if (store is null || !store.TryGetOriginal(placeholder, out original)) return false;
        lock (_lock) _originals.TryAdd(placeholder, original);
        return true;
    }

    public void Save(string path, AnonymizationKey key)
    {
        Dictionary<string, string> snapshot;
        lock (_lock) snapshot = new Dictionary<string, string>(_originals, StringComparer.Ordinal);
        var plain = JsonSerializer.SerializeToUtf8Bytes(snapshot);
        var output = new byte[Magic.Length + NonceBytes + TagBytes + plain.Length];
        Magic.CopyTo(output, 0);
        var nonce = output.AsSpan(Magic.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Derive("vault"), TagBytes))
        {
            aes.Encrypt(nonce, plain, output.AsSpan(Magic.Length + NonceBytes + TagBytes), output.AsSpan(Magic.Length + NonceBytes, TagBytes), Magic);
        }
        CryptographicOperations.ZeroMemory(plain);
        AtomicFile.Write(path, stream => stream.Write(output));
    }

    /// <summary>Opens a saved vault, or an empty one when <paramref name="path"/> does not exist yet.</summary>
    public static PseudonymVault Open(string path, AnonymizationKey key)
    {
        var vault = new PseudonymVault();
        if (!File.Exists(path)) return vault;
        byte[] content;
        try
        {
            if (new FileInfo(path).Length > MaxVaultBytes) throw new BulwarkInputException($"vault '{path}' is over the {MaxVaultBytes:N0}-byte limit");
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read vault '{path}': {e.Message}", e);
        }
        if (content.Length < Magic.Length + NonceBytes + TagBytes || !content.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new BulwarkInputException($"'{path}' is not a Bulwark vault");
        var plain = new byte[content.Length - Magic.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key.Derive("vault"), TagBytes);
            aes.Decrypt(content.AsSpan(Magic.Length, NonceBytes), content.AsSpan(Magic.Length + NonceBytes + TagBytes),
                content.AsSpan(Magic.Length + NonceBytes, TagBytes), plain, Magic);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new BulwarkInputException($"vault '{path}' does not open with this key (wrong key, or the file was altered)");
        }
        var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(plain) ?? [];
        foreach (var (placeholder, original) in entries) vault.Add(placeholder, original);
        return vault;
    }

    private void Add(string placeholder, string original)
    {
        // "<PERSON_12>": the type and the counter come back from the placeholder itself.
        var underscore = placeholder.LastIndexOf('_');
        if (underscore < 2 || !placeholder.EndsWith('>')) return;
        var type = placeholder[1..underscore];
        _originals[placeholder] = original;
        _placeholders[(type, original)] = placeholder;
        if (int.TryParse(placeholder.AsSpan(underscore + 1, placeholder.Length - underscore - 2), out var n))
            _counters[type] = Math.Max(_counters.GetValueOrDefault(type), n);
    }

    /// <summary>For diagnostics and tests: the placeholder text is not sensitive.</summary>
    public override string ToString()
    {
        lock (_lock) return $"vault with {_originals.Count} placeholders";
    }
}
