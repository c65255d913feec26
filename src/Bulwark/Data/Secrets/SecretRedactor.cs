using System.Text;

namespace Bulwark.Data.Secrets;

/// <summary>
/// Masks secrets for display: enough of the start to recognise the kind of key (<c>sk-p</c>, <c>AKIA</c>),
/// never enough to use it.
/// </summary>
public static class SecretRedactor
{
    public const int MaxEvidenceLength = 160;

    /// <summary><c>sk-proj-Abc…</c> becomes <c>sk-p…[164 chars]</c>; short values show nothing.</summary>
    public static string Mask(ReadOnlySpan<char> secret)
    {
        var shown = Math.Min(4, secret.Length / 4);
        return $"{secret[..shown]}…[{secret.Length} chars]";
    }

    /// <summary>The matched text with the secret masked, on one line, bounded in length.</summary>
    public static string Evidence(string matchedText, int secretOffset, int secretLength)
    {
        secretOffset = Math.Clamp(secretOffset, 0, matchedText.Length);
        secretLength = Math.Clamp(secretLength, 0, matchedText.Length - secretOffset);
        var builder = new StringBuilder();
        builder.Append(Tail(matchedText.AsSpan(0, secretOffset), 60));
        builder.Append(Mask(matchedText.AsSpan(secretOffset, secretLength)));
        builder.Append(Head(matchedText.AsSpan(secretOffset + secretLength), 40));
        for (var i = 0; i < builder.Length; i++)
        {
            if (char.IsControl(builder[i])) builder[i] = ' ';
        }
        return builder.Length <= MaxEvidenceLength ? builder.ToString() : builder.ToString(0, MaxEvidenceLength) + "…";
    }

    private static string Tail(ReadOnlySpan<char> text, int max) => text.Length <= max ? text.ToString() : "…" + text[^max..].ToString();

    private static string Head(ReadOnlySpan<char> text, int max) => text.Length <= max ? text.ToString() : text[..max].ToString() + "…";
}
