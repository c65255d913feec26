namespace Bulwark.Data.Pii;

/// <summary>
/// A cheap test run before the street-address pattern: a street word ("Road", "Str.", "Apt", "Box"), a word
/// ending like a European street ("…straße", "…weg", "…gatan"), or a second number a few words on
/// ("Keizersgracht 221", "41 Harbour 7") must sit near the number. Ordinary numbers beside capitalised words
/// ("Version 12 Release") then cost one pass over a few words, not a large regex.
/// </summary>
internal static class AddressShape
{
    private const int Reach = 64;

    private static readonly Lazy<WordSet> StreetWords = new(() => WordSet.Embedded("street-suffixes.txt", "apt", "apartment", "suite", "unit", "flat", "box", "corner", "po", "psc", "usns", "usnv", "uss", "uscgc", "fpo", "apo", "dpo"));

    private static readonly string[] Endings =
    [
        "straße", "strasse", "gasse", "weg", "allee", "platz", "damm", "laan", "straat", "gracht", "kade", "vej", "gade", "gatan", "vägen", "katu", "tie", "kuja", "utca", "ulica", "veien", "vegen",
    ];

    public static bool IsStreetWord(ReadOnlySpan<char> word) => StreetWords.Value.Contains(word) || StreetWords.Value.Contains(string.Concat(word, "."));

    public static bool Near(string text, int start, int end)
    {
        var from = Math.Max(0, start - Reach);
        var to = Math.Min(text.Length, end + Reach);
        var words = StreetWords.Value;
        var capitalisedSinceNumber = -1; // -1: no number yet, or a lower-case word broke the shape
        var i = from;
        while (i < to)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                // "Allika 46" after "20789": a number, one to four capitalised words, a number.
                if (capitalisedSinceNumber is >= 1 and <= 4) return true;
                capitalisedSinceNumber = 0;
                while (i < to && char.IsAsciiDigit(text[i])) i++;
                continue;
            }
            if (!char.IsLetter(c))
            {
                // Only spaces and line breaks join "20789 Allika 46": a comma or a bracket is a table or code.
                if (c is not (' ' or '\n' or '\r')) capitalisedSinceNumber = -1;
                i++;
                continue;
            }
            var wordStart = i;
            // Whole words only: "st" cut from "status" at the window's edge is not a street.
            while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '.')) i++;
            if (wordStart == from && from > 0 && char.IsLetter(text[from - 1])) continue;
            var word = text.AsSpan(wordStart, i - wordStart).TrimEnd('.');
            // Street words are capitalised in an address ("Road", "Apt"); "key" in "api_key" is not one.
            if (word.Length > 0 && char.IsUpper(word[0]))
            {
                if (words.Contains(word)) return true;
                foreach (var ending in Endings)
                {
                    if (word.Length > ending.Length && word.EndsWith(ending, StringComparison.OrdinalIgnoreCase)) return true;
                }
            }
            capitalisedSinceNumber = capitalisedSinceNumber >= 0 && char.IsUpper(c) && word.Length >= 3 ? capitalisedSinceNumber + 1 : -1;
        }
        return false;
    }
}
