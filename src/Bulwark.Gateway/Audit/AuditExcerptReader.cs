namespace Bulwark.Gateway.Audit;

/// <summary>
/// Shows audit excerpts to a reader (<c>bulwark audit query</c>): plain excerpts as stored, sealed ones opened with the
/// key that sealed them when the reader holds it, otherwise a marker saying why not. Counts the ones that should have
/// opened and did not: a wrong key under a matching id is impossible, so those records were altered or moved.
/// </summary>
public sealed class AuditExcerptReader(IReadOnlyCollection<AuditPromptCipher> keys)
{
    public const string Encrypted = "[encrypted]";
    public const string Altered = "[encrypted: does not open: the record or its ciphertext was altered]";

    public int Unopened { get; private set; }

    public string? Show(AuditRecord record)
    {
        if (!AuditPromptCipher.IsSealed(record.Excerpt)) return record.Excerpt;
        if (keys.Count == 0) return Encrypted;
        var keyId = AuditPromptCipher.SealedWith(record.Excerpt);
        var key = keyId is null ? null : keys.FirstOrDefault(k => k.KeyId == keyId);
        if (keyId is not null && key is null) return $"[encrypted with key {keyId}, not given]";
        if (key is not null && key.TryOpen(record, out var prompt)) return prompt;
        Unopened++;
        return Altered;
    }
}
