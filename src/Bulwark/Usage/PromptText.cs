using System.Runtime.CompilerServices;
using System.Text;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>Obfuscation seen in a prompt. Each is a signal of its own: benign users rarely hide their words.</summary>
[Flags]
public enum Obfuscation
{
    None = 0,
    InvisibleCharacters = 1,
    Confusables = 2,
    Leetspeak = 4,
    SpacedLetters = 8,
    Base64Payload = 16,
    HexPayload = 32,
    UrlEncodedPayload = 64,
    Rot13 = 128,
    Reversed = 256,
}

/// <summary>A prompt prepared for analysis: what it says once de-obfuscated, and how it was hidden.</summary>
public sealed record PromptView(string Text, Obfuscation Obfuscation);

/// <summary>
/// De-obfuscates a prompt before any check: NFKC with invisible characters removed, Cyrillic and Greek look-alikes
/// folded to Latin, leetspeak and spaced-out letters undone, and payloads hidden in base64, hex, URL-encoding,
/// ROT13 or reversed text decoded and appended, so the detectors read what the model would read.
/// Bounded: at most <see cref="MaxDecodedPayloads"/> payloads, each at most <see cref="MaxPayloadChars"/> long.
/// </summary>
public static class PromptText
{
    public const int MaxDecodedPayloads = 16;
    public const int MaxPayloadChars = 8192;

    private static readonly Dictionary<char, char> Confusable = BuildConfusables();
    private static readonly System.Buffers.SearchValues<char> LeetCharacters = System.Buffers.SearchValues.Create("013457@$!");
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
    private static readonly System.Buffers.SearchValues<char> Separators = System.Buffers.SearchValues.Create(" .-_");

    // Prepare and the per-character passes below run on every classification: fully optimised from the first call.
    // On a 1 KB prompt, tier-0 code and then the instrumented code that gathers the tier-1 profile ran them 3-10x
    // slower for the first seconds of a process (HasSpacedLetters: 1.9 µs optimised, up to 24 µs meanwhile).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PromptView Prepare(string raw)
    {
        var found = Obfuscation.None;
        var normalized = NormalizedText.Create(raw).Text;
        if (normalized.Length < raw.Length && ContainsInvisible(raw)) found |= Obfuscation.InvisibleCharacters;

        var main = LowerAndFold(normalized, ref found);
        StringBuilder? extra = null; // most prompts hide nothing: no second buffer, no concatenation
        var deleet = UndoLeetspeak(main);
        if (deleet != main)
        {
            found |= Obfuscation.Leetspeak;
            Extra(ref extra).Append('\n').Append(deleet);
        }
        var joined = JoinSpacedLetters(main);
        if (joined != main)
        {
            found |= Obfuscation.SpacedLetters;
            Extra(ref extra).Append('\n').Append(joined);
        }
        found |= DecodePayloads(normalized, ref extra);
        if (main.Contains("rot13", StringComparison.Ordinal) || main.Contains("rot-13", StringComparison.Ordinal) || main.Contains("caesar", StringComparison.Ordinal))
        {
            found |= Obfuscation.Rot13;
            Extra(ref extra).Append('\n').Append(Rot13(main));
        }
        if (main.Contains("revers", StringComparison.Ordinal) || main.Contains("backwards", StringComparison.Ordinal))
        {
            found |= Obfuscation.Reversed;
            Extra(ref extra).Append('\n').Append(Reverse(main));
        }
        return new PromptView(extra is null ? main : main + extra, found);
    }

    private static StringBuilder Extra(ref StringBuilder? extra) => extra ??= new StringBuilder();

    /// <summary>Lower-cases (invariant, per UTF-16 unit) and folds look-alike letters; ASCII text takes a vectorised path.</summary>
    private static string LowerAndFold(string text, ref Obfuscation found)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            // ASCII lower-casing is exactly char.ToLowerInvariant there, and no confusable is ASCII.
            if (!text.AsSpan().ContainsAnyInRange('A', 'Z')) return text;
            return string.Create(text.Length, text, static (span, source) => System.Text.Ascii.ToLower(source, span, out _));
        }
        var folded = Obfuscation.None;
        var result = string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var lower = char.ToLowerInvariant(source[i]);
                if (lower >= 0x370 && Confusable.TryGetValue(lower, out var latin))
                {
                    folded = Obfuscation.Confusables;
                    lower = latin;
                }
                span[i] = lower;
            }
        });
        found |= folded;
        return result;
    }

    private static bool ContainsInvisible(string raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (Rune.TryGetRuneAt(raw, i, out var rune) && NormalizedText.IsInvisible(rune)) return true;
        }
        return false;
    }

    /// <summary>
    /// Digits and symbols read as letters: "1gn0r3 4ll pr3v10us" → "ignore all previous". Only where the text shows
    /// real leetspeak, two words with leet characters between letters ("pr3v10us", "p@ss"); then every word made of
    /// letters and leet characters alone is read back ("4ll" too). Without that evidence nothing changes: version
    /// names ("gpt4"), ordinals ("3rd"), hex ids, e-mail addresses and a closing "!" are common in benign prompts,
    /// and reading them as leetspeak flagged "Summarise 3fa9c0d1e2b4" as obfuscated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string UndoLeetspeak(string text)
    {
        if (text.AsSpan().IndexOfAny(LeetCharacters) < 0 || !ShowsLeetspeak(text)) return text;
        var result = new StringBuilder(text.Length);
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !char.IsWhiteSpace(text[i])) continue;
            var (from, to) = LeetCore(text, start, i);
            if (IsLeetWord(text.AsSpan(from, to - from), strong: false))
            {
                result.Append(text, start, from - start);
                for (var k = from; k < to; k++) result.Append(Leet(text[k]));
                result.Append(text, to, i - to);
            }
            else result.Append(text, start, i - start);
            if (i < text.Length) result.Append(text[i]);
            start = i + 1;
        }
        return result.ToString();
    }

    /// <summary>Two different words with leet characters between letters: one alone is as often a random id
    /// ("mk73aecd44") as a disguised word.</summary>
    private static bool ShowsLeetspeak(string text)
    {
        var start = 0;
        var first = default(ReadOnlySpan<char>);
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !char.IsWhiteSpace(text[i])) continue;
            var (from, to) = LeetCore(text, start, i);
            var word = text.AsSpan(from, to - from);
            if (IsLeetWord(word, strong: true))
            {
                if (first.IsEmpty) first = word;
                else if (!word.SequenceEqual(first)) return true;
            }
            start = i + 1;
        }
        return false;
    }

    /// <summary>A whitespace-separated token without its quotes, brackets and closing punctuation, or a leading
    /// "@" or "$" (a mention, a variable).</summary>
    private static (int From, int To) LeetCore(string text, int start, int end)
    {
        while (start < end && text[start] is '"' or '\'' or '(' or '[' or '{' or '<' or '*' or '_' or '@' or '$' or '#') start++;
        while (end > start && text[end - 1] is '.' or ',' or ';' or ':' or '!' or '?' or '"' or '\'' or ')' or ']' or '}' or '>' or '*' or '_') end--;
        return (start, end);
    }

    /// <summary>
    /// Letters and leet characters only, with at least one of each; <paramref name="strong"/>: a run of leet
    /// characters also stands between two letters. A hex id ("3fac0d1e") is never one.
    /// </summary>
    private static bool IsLeetWord(ReadOnlySpan<char> word, bool strong)
    {
        bool letter = false, leet = false, between = false, hex = true, leetSinceLetter = false;
        foreach (var c in word)
        {
            hex &= char.IsAsciiHexDigit(c);
            if (char.IsAsciiLetter(c)) // leetspeak stands for Latin letters
            {
                between |= leetSinceLetter;
                letter = true;
                leetSinceLetter = false;
            }
            else if (IsLeetCharacter(c))
            {
                leet = true;
                leetSinceLetter = letter;
            }
            else if (c != '\'') return false;
        }
        if (!letter || !leet || (hex && word.Length >= 6)) return false;
        return !strong || between;
    }

    private static bool IsLeetCharacter(char c) => LeetCharacters.Contains(c);

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' => 'i',
        '3' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' => 't',
        _ => c,
    };

    /// <summary>"i g n o r e  a l l" → "ignore all": runs of four or more single letters separated by one space, dot or dash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string JoinSpacedLetters(string text)
    {
        if (!HasSpacedLetters(text)) return text;
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var j = i;
            var letters = 0;
            while (j < text.Length && char.IsLetter(text[j]) && (j + 1 == text.Length || !char.IsLetter(text[j + 1])))
            {
                letters++;
                if (j + 2 < text.Length && text[j + 1] is ' ' or '.' or '-' or '_' && char.IsLetter(text[j + 2])) j += 2;
                else
                {
                    j++;
                    break;
                }
            }
            if (letters >= 4 && (i == 0 || !char.IsLetter(text[i - 1])))
            {
                for (var k = i; k < j; k++)
                {
                    if (char.IsLetter(text[k])) result.Append(text[k]);
                }
                i = j;
                continue;
            }
            result.Append(text[i]);
            i++;
        }
        return result.ToString();
    }

    /// <summary>
    /// Cheap test for "x y z w": four single letters in a row, each followed by one separator, with no other letter
    /// between them. A single letter is the one just before a separator, so the test jumps from separator to separator
    /// (a vectorised search) instead of reading every character: any other letter since the last separator breaks
    /// the run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool HasSpacedLetters(string text)
    {
        var run = 0;
        var previous = -1; // the last separator passed
        while (true)
        {
            var next = text.AsSpan(previous + 1).IndexOfAny(Separators);
            if (next < 0) return false;
            var separator = previous + 1 + next;
            var letter = separator - 1; // the only place before this separator where a single letter can be
            if (letter > previous)
            {
                if (ContainsLetter(text.AsSpan(previous + 1, letter - previous - 1))) run = 0;
                if (char.IsLetter(text[letter]))
                {
                    if (letter == 0 || !char.IsLetter(text[letter - 1]))
                    {
                        if (++run >= 4) return true;
                    }
                    else run = 0;
                }
            }
            previous = separator;
        }
    }

    private static bool ContainsLetter(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (char.IsLetter(c)) return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Obfuscation DecodePayloads(string text, ref StringBuilder? extra)
    {
        var found = Obfuscation.None;
        var payloads = 0;
        // Runs of base64 characters (at most MaxPayloadChars each), in order. Only runs of 16 or more can decode to
        // anything, and such a run starting in [i, i + 15] covers i + 15: when that character is not base64, the next
        // 16 characters hold no run worth reading. Prose is skipped 16 characters at a time instead of read whole.
        var i = 0;
        while (i + 15 < text.Length && payloads < MaxDecodedPayloads)
        {
            if (!IsBase64Char(text[i + 15]))
            {
                i += 16;
                continue;
            }
            var start = i + 15;
            while (start > i && IsBase64Char(text[start - 1])) start--;
            var j = start;
            while (j < text.Length && j - start < MaxPayloadChars && IsBase64Char(text[j])) j++;
            var run = text.AsSpan(start, j - start);
            if (run.Length >= 20 && TryDecodeHex(run, out var hex))
            {
                found |= Obfuscation.HexPayload;
                Extra(ref extra).Append('\n').Append(hex);
                payloads++;
            }
            else if (run.Length >= 16 && TryDecodeBase64(run, out var decoded))
            {
                found |= Obfuscation.Base64Payload;
                Extra(ref extra).Append('\n').Append(decoded);
                payloads++;
            }
            i = j;
        }

        if (payloads < MaxDecodedPayloads && HasPercentEscapes(text, 3))
        {
            try
            {
                var unescaped = Uri.UnescapeDataString(text.Length > MaxPayloadChars ? text[..MaxPayloadChars] : text);
                if (unescaped != text)
                {
                    found |= Obfuscation.UrlEncodedPayload;
                    Extra(ref extra).Append('\n').Append(unescaped.ToLowerInvariant());
                }
            }
            catch (UriFormatException)
            {
                // Not decodable: nothing to add.
            }
        }
        return found;
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_';

    private static bool TryDecodeBase64(ReadOnlySpan<char> run, out string decoded)
    {
        decoded = "";
        var trimmed = run.TrimEnd('=');
        var letters = 0;
        foreach (var c in trimmed) letters += char.IsAsciiLetter(c) ? 1 : 0;
        if (letters < trimmed.Length / 2) return false;
        var buffer = new byte[trimmed.Length * 3 / 4 + 3];
        var standard = trimmed.ToString().Replace('-', '+').Replace('_', '/');
        var padded = standard.PadRight((standard.Length + 3) / 4 * 4, '=');
        if (!Convert.TryFromBase64String(padded, buffer, out var written) || written < 8) return false;
        return IsMostlyText(buffer.AsSpan(0, written), out decoded);
    }

    private static bool TryDecodeHex(ReadOnlySpan<char> run, out string decoded)
    {
        decoded = "";
        if (run.Length % 2 != 0 || run.ContainsAnyExcept(HexDigits)) return false;
        var bytes = Convert.FromHexString(run);
        return IsMostlyText(bytes, out decoded);
    }

    private static bool IsMostlyText(ReadOnlySpan<byte> bytes, out string text)
    {
        var printable = 0;
        foreach (var b in bytes) printable += b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\t' ? 1 : 0;
        text = printable >= bytes.Length * 0.9 ? Encoding.ASCII.GetString(bytes).ToLowerInvariant() : "";
        return text.Length > 0 && text.Contains(' ', StringComparison.Ordinal);
    }

    /// <summary>Whether the text holds at least <paramref name="atLeast"/> escapes "%xx" (x a hex digit).</summary>
    private static bool HasPercentEscapes(string text, int atLeast)
    {
        var count = 0;
        var i = 0;
        while (true)
        {
            var next = text.AsSpan(i).IndexOf('%');
            if (next < 0) return false;
            i += next;
            if (i + 2 >= text.Length) return false;
            if (char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]) && ++count >= atLeast) return true;
            i++;
        }
    }

    public static string Rot13(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + (c - 'a' + 13) % 26),
                >= 'A' and <= 'Z' => (char)('A' + (c - 'A' + 13) % 26),
                _ => c,
            };
        }
    });

    private static string Reverse(string text)
    {
        var chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    private static Dictionary<char, char> BuildConfusables()
    {
        // Cyrillic and Greek letters that render like Latin ones (lower case; input is lower-cased first).
        const string from = "аеорсухіјѕԁԛԝһӏкмтвпαεορτυχικνβη";
        const string to = "aeopcyxijsdqwhlkmtbnaeoptuxikvbn";
        var map = new Dictionary<char, char>();
        for (var i = 0; i < from.Length; i++) map[from[i]] = to[i];
        return map;
    }
}
