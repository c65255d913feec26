using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Data.Anonymization;

/// <summary>A detected value to anonymise: its entity type and UTF-16 span.</summary>
public readonly record struct EntitySpan(string EntityType, int Start, int Length);

/// <summary>What replaced one value, and where the replacement sits in the output.</summary>
public sealed record AnonymizedItem(string EntityType, string Operator, int Start, int Length);

public sealed record AnonymizedText(string Text, IReadOnlyList<AnonymizedItem> Items);

/// <summary>
/// Applies an <see cref="AnonymizationPolicy"/> to the spans the detectors found, and undoes the reversible
/// operators: <see cref="Restore"/> decrypts <c>enc:v1:</c> tokens and swaps vault placeholders back, so a gateway can
/// mask a prompt and restore the answer. Overlapping spans: the longer one wins.
/// </summary>
public sealed class Anonymizer
{
    private readonly AnonymizationPolicy _policy;
    private readonly Dictionary<AnonymizationPolicy.OperatorSpec, IAnonymizationOperator> _operators = [];
    private readonly EncryptOperator? _encrypt;

    public Anonymizer(AnonymizationPolicy policy, AnonymizationKey? key = null, PseudonymVault? vault = null)
    {
        _policy = policy;
        if (policy.NeedsKey && key is null)
            throw new BulwarkInputException($"the anonymisation policy uses a keyed operator (hash, encrypt, pseudonymize): give a key file (--key-file) or set {AnonymizationKey.EnvironmentVariable}");
        Vault = vault ?? new PseudonymVault();
        if (key is not null) _encrypt = new EncryptOperator(key);
        foreach (var spec in policy.Entities.Values.Append(policy.Default).Distinct())
        {
            _operators[spec] = spec.Name switch
            {
                "replace" => new ReplaceOperator(),
                "redact" => new RedactOperator(),
                "mask" => new MaskOperator(spec.MaskChar, spec.KeepLast),
                "hash" => new HashOperator(key!),
                "encrypt" => _encrypt!,
                _ => new PseudonymizeOperator(Vault),
            };
        }
    }

    public PseudonymVault Vault { get; }

    public AnonymizedText Anonymize(string text, IEnumerable<EntitySpan> spans)
    {
        var output = new StringBuilder(text.Length);
        var items = new List<AnonymizedItem>();
        var position = 0;
        foreach (var span in spans.Where(s => s.Length > 0 && s.Start >= 0 && s.Start + s.Length <= text.Length)
                     .OrderBy(s => s.Start).ThenByDescending(s => s.Length))
        {
            if (span.Start < position) continue; // inside a longer span already replaced
            var spec = _policy.For(span.EntityType);
            var replacement = _operators[spec].Apply(text.Substring(span.Start, span.Length), span.EntityType);
            output.Append(text, position, span.Start - position);
            items.Add(new AnonymizedItem(span.EntityType, spec.Name, output.Length, replacement.Length));
            output.Append(replacement);
            position = span.Start + span.Length;
        }
        output.Append(text, position, text.Length - position);
        return new AnonymizedText(output.ToString(), items);
    }

    /// <summary>Detects with <paramref name="detector"/> and anonymises what it finds.</summary>
    public AnonymizedText Anonymize(string text, TextDetector detector) =>
        Anonymize(text, detector.MatchText(text).Select(m => new EntitySpan(m.Rule.EntityType, (int)m.Start + m.SecretOffset, m.SecretLength)));

    /// <summary>
    /// Undoes what can be undone: vault placeholders (<c>&lt;PERSON_1&gt;</c>) and encrypted tokens (with the key).
    /// Tokens that do not decrypt (altered, or another key) are left as they are.
    /// </summary>
    public string Restore(string text)
    {
        var output = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<' && TryPlaceholder(text, i, out var placeholderEnd, out var original))
            {
                output.Append(original);
                i = placeholderEnd;
            }
            else if (_encrypt is not null && text[i] == 'e' && TryEncrypted(text, i, out var tokenEnd, out var plain))
            {
                output.Append(plain);
                i = tokenEnd;
            }
            else
            {
                output.Append(text[i++]);
            }
        }
        return output.ToString();
    }

    private bool TryPlaceholder(string text, int at, out int end, out string original)
    {
        original = "";
        end = text.IndexOf('>', at + 1, Math.Min(96, text.Length - at - 1));
        return end > at && Vault.TryGetOriginal(text.Substring(at, ++end - at), out original);
    }

    private bool TryEncrypted(string text, int at, out int end, out string plain)
    {
        plain = "";
        end = at;
        if (!text.AsSpan(at).StartsWith(EncryptOperator.Prefix, StringComparison.Ordinal)) return false;
        var typeStart = at + EncryptOperator.Prefix.Length;
        var colon = text.IndexOf(':', typeStart, Math.Min(64, text.Length - typeStart));
        if (colon < 0) return false;
        end = colon + 1;
        while (end < text.Length && Base64Url.IsChar(text[end])) end++;
        var decrypted = _encrypt!.Decrypt(text[typeStart..colon], text[(colon + 1)..end]);
        if (decrypted is null) return false;
        plain = decrypted;
        return true;
    }
}
