using System.Globalization;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Data.Pii.Ner;

/// <summary>A word of the text (UTF-16 offsets, end exclusive) and the index of its first sub-token.</summary>
internal readonly record struct NerWord(int Start, int End, int FirstToken);

/// <summary>
/// BERT's tokenizer without the Python: words split on white space, punctuation and CJK characters (each
/// punctuation or CJK character is a word of its own), then greedy longest-match WordPiece against
/// <c>vocab.txt</c> (continuation pieces start with <c>##</c>). A vocabulary with no <c>##</c> pieces is a plain
/// word vocabulary: a word is a token or <c>[UNK]</c>. Words keep their offsets in the original text; the labels
/// of a word are read on its first sub-token.
/// </summary>
internal sealed class WordPieceTokenizer
{
    private const string ContinuationPrefix = "##";
    private const int MaxWordChars = 100;

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _starts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;

    private WordPieceTokenizer(Dictionary<string, int> starts, Dictionary<string, int> continuations, int count, bool lowerCase)
    {
        _starts = starts.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        Count = count;
        LowerCase = lowerCase;
        UnknownId = Find(starts, "[UNK]", "<unk>") ?? 0;
        PadId = Find(starts, "[PAD]", "<pad>") ?? 0;
        var cls = Find(starts, "[CLS]");
        var sep = Find(starts, "[SEP]");
        if (cls is { } c && sep is { } s) (ClsId, SepId) = (c, s);
    }

    /// <summary>Number of lines (token ids) in the vocabulary.</summary>
    public int Count { get; }

    public bool LowerCase { get; }
    public int UnknownId { get; }
    public int PadId { get; }

    /// <summary>Ids of <c>[CLS]</c> and <c>[SEP]</c>, which wrap every chunk; null when the vocabulary has neither.</summary>
    public int? ClsId { get; }
    public int? SepId { get; }

    /// <summary>Reads <c>vocab.txt</c>: one token a line, the line number is the id.</summary>
    /// <param name="lowerCase">From <c>tokenizer_config.json</c>; null to infer (no upper-case letter in the vocabulary).</param>
    public static WordPieceTokenizer Load(string path, bool? lowerCase)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
        if (lines.Length == 0) throw new BulwarkInputException($"NER vocabulary '{path}' is empty");
        var starts = new Dictionary<string, int>(StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < lines.Length; id++)
        {
            var token = lines[id].TrimEnd('\r');
            // The first id wins, as in Hugging Face's loader; later duplicates keep their line (the id count).
            if (token.StartsWith(ContinuationPrefix, StringComparison.Ordinal) && token.Length > ContinuationPrefix.Length)
                continuations.TryAdd(token[ContinuationPrefix.Length..], id);
            else
                starts.TryAdd(token, id);
        }
        var lower = lowerCase ?? !starts.Keys.Concat(continuations.Keys).Any(t => !IsSpecial(t) && t.Any(char.IsUpper));
        return new WordPieceTokenizer(starts, continuations, lines.Length, lower);
    }

    /// <summary>Splits <paramref name="text"/> into words and appends their token ids.</summary>
    public void Tokenize(string text, List<NerWord> words, List<long> ids)
    {
        var normalized = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                i++;
                continue;
            }
            int end;
            if (IsSingleCharWord(c))
            {
                end = i + 1;
            }
            else
            {
                end = i + 1;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && !char.IsControl(text[end]) && !IsSingleCharWord(text[end])) end++;
            }
            words.Add(new NerWord(i, end, ids.Count));
            AddPieces(Normalize(text.AsSpan(i, end - i), normalized), ids);
            i = end;
        }
    }

    private void AddPieces(ReadOnlySpan<char> word, List<long> ids)
    {
        if (word.Length == 0 || word.Length > MaxWordChars)
        {
            ids.Add(UnknownId);
            return;
        }
        var first = ids.Count;
        var start = 0;
        while (start < word.Length)
        {
            var lookup = start == 0 ? _starts : _continuations;
            var found = -1;
            var end = word.Length;
            for (; end > start; end--)
            {
                if (lookup.TryGetValue(word[start..end], out found)) break;
            }
            if (end == start)
            {
                // No piece fits: the whole word is unknown (BERT's rule), not a partial match.
                ids.RemoveRange(first, ids.Count - first);
                ids.Add(UnknownId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    private ReadOnlySpan<char> Normalize(ReadOnlySpan<char> word, StringBuilder buffer)
    {
        if (!LowerCase) return word;
        // Uncased BERT lower-cases and strips accents (NFD, drop combining marks).
        buffer.Clear();
        var decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) buffer.Append(char.ToLowerInvariant(c));
        }
        return buffer.ToString();
    }

    private static bool IsSingleCharWord(char c) =>
        char.IsPunctuation(c) || char.IsSymbol(c) || (c is >= '!' and <= '/') || (c is >= ':' and <= '@') || (c is >= '[' and <= '`') || (c is >= '{' and <= '~')
        || (c is >= '\u4E00' and <= '\u9FFF') || (c is >= '\u3400' and <= '\u4DBF') || (c is >= '\uF900' and <= '\uFAFF');

    private static bool IsSpecial(string token) => token.Length > 2 && ((token[0] == '[' && token[^1] == ']') || (token[0] == '<' && token[^1] == '>'));

    private static int? Find(Dictionary<string, int> vocabulary, params string[] names)
    {
        foreach (var name in names)
        {
            if (vocabulary.TryGetValue(name, out var id)) return id;
        }
        return null;
    }
}
