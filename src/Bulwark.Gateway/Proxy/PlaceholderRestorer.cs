using System.Text;
using System.Text.Json;
using Bulwark.Data.Anonymization;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Restores pseudonymisation placeholders (<c>&lt;SECRET_1&gt;</c>) in a streamed text. A placeholder can arrive split
/// across chunks, so an unclosed <c>&lt;…</c> at the end of what has arrived is held back (at most
/// <see cref="MaxPlaceholderChars"/> characters) until it closes or cannot be one.
/// </summary>
/// <remarks>With <c>jsonString</c> (tool-call arguments, which are JSON text) each original is JSON-escaped as it goes
/// back in, so a value holding a quote or backslash cannot break the arguments.</remarks>
internal sealed class PlaceholderRestorer(Anonymizer? pseudonymizer, bool jsonString = false)
{
    public const int MaxPlaceholderChars = 96;

    private readonly StringBuilder _pending = new();

    public string Push(string text)
    {
        if (pseudonymizer is null) return text;
        _pending.Append(text);
        var all = _pending.ToString();
        var open = all.LastIndexOf('<');
        var keep = open >= 0 && all.IndexOf('>', open) < 0 && all.Length - open < MaxPlaceholderChars ? all.Length - open : 0;
        _pending.Clear().Append(all, all.Length - keep, keep);
        return Restore(all[..^keep]);
    }

    public string Complete()
    {
        if (pseudonymizer is null || _pending.Length == 0) return "";
        var rest = _pending.ToString();
        _pending.Clear();
        return Restore(rest);
    }

    private string Restore(string text) => jsonString ? RestoreInJson(pseudonymizer!, text) : pseudonymizer!.Restore(text);

    /// <summary>Swaps each vault placeholder for its JSON-escaped original (the text is the inside of JSON strings).</summary>
    public static string RestoreInJson(Anonymizer pseudonymizer, string text)
    {
        var output = new StringBuilder(text.Length);
        var position = 0;
        for (var open = text.IndexOf('<'); open >= 0; open = text.IndexOf('<', open + 1))
        {
            var close = text.IndexOf('>', open + 1, Math.Min(MaxPlaceholderChars, text.Length - open - 1));
            if (close < 0 || !pseudonymizer.Vault.TryGetOriginal(text[open..(close + 1)], out var original)) continue;
            output.Append(text, position, open - position).Append(JsonEncodedText.Encode(original, GatewayJson.Options.Encoder).Value);
            position = close + 1;
            open = close;
        }
        return output.Append(text, position, text.Length - position).ToString();
    }
}
