namespace Bulwark.Usage;

/// <summary>
/// Turns a prepared prompt into hashed sparse features for the linear model: word unigrams and bigrams,
/// character 3- to 5-grams inside words, heuristic rule hits, obfuscation signals and a length bucket.
/// Hashing (FNV-1a into 2^<see cref="Bits"/> slots, with a sign bit) keeps the model small and needs no vocabulary.
/// </summary>
public static class PromptFeatures
{
    public const int Bits = 18;
    public const int Dimensions = 1 << Bits;
    private const uint RuleWeight = 8;
    // The line-surroundings feature counts this many times, as a rule hit does: one feature against a line's dozens of
    // n-grams otherwise cannot outweigh the innocent words of an instruction slipped into a table (prompt-attack-experiments.md).
    private const uint SurroundingsWeight = 16;

    /// <summary>Adds the feature slots of <paramref name="view"/> to <paramref name="features"/> (slot, +1 or -1).</summary>
    public static void Extract(PromptView view, IEnumerable<string> ruleIds, List<(int Slot, float Value)> features) =>
        Extract(view.Text, view.Obfuscation, ruleIds, features);

    /// <summary>Features of a part of a prepared prompt (a window), with the rule hits inside it.</summary>
    public static void Extract(ReadOnlySpan<char> text, Obfuscation obfuscation, IEnumerable<string> ruleIds, List<(int Slot, float Value)> features)
    {
        ExtractTokens(text, features, positions: null);
        AddContext(text.Length, obfuscation, ruleIds, features);
    }

    /// <summary>
    /// The token features (words, bigrams, symbols, character n-grams) in text order; with <paramref name="positions"/>,
    /// the character position of each, so that any window's features are a contiguous range.
    /// </summary>
    public static void ExtractTokens(ReadOnlySpan<char> text, List<(int Slot, float Value)> features, List<int>? positions)
    {
        var sink = new ListSink(features, positions);
        Walk(text, ref sink);
    }

    /// <summary>
    /// The token features as the classifier reads them, without listing them: for each token (a line start, a word,
    /// a symbol) its position and the weight sum and count of the features before it, then one last mark at
    /// <see cref="int.MaxValue"/> with the totals. A window's sum is the difference of two marks: the same sums, in
    /// the same order of additions, as prefix sums over <see cref="ExtractTokens"/>.
    /// </summary>
    public static void SumTokens(ReadOnlySpan<char> text, float[] weights, List<TokenMark> marks)
    {
        var sink = new SumSink(weights, marks);
        Walk(text, ref sink);
        marks.Add(new TokenMark(int.MaxValue, sink.Sum, sink.Count));
    }

    /// <summary>A token's position, with the weight sum and the number of the features before it.</summary>
    public readonly record struct TokenMark(int Position, double Sum, int Count);

    // Generic over a struct sink, so each caller gets its own compiled walk with the sink's calls inlined.
    private static void Walk<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ITokenSink
    {
        uint previousWord = 0;
        var wordStart = -1;
        var lines = new LineShapes();
        var lineOpen = false;
        for (var i = 0; i <= text.Length; i++)
        {
            if (!lineOpen && i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                lineOpen = true;
                sink.Token(i);
                sink.Feature(lines.Start(text, i));
                if (lines.Surroundings(text, i) is var around and not 0)
                {
                    for (var copy = 0u; copy < SurroundingsWeight; copy++) sink.Feature(Finish(around + copy));
                }
            }
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'');
            if (inWord)
            {
                if (wordStart < 0) wordStart = i;
                continue;
            }
            if (wordStart >= 0)
            {
                var word = text.Slice(wordStart, i - wordStart);
                sink.Token(wordStart);
                var identifier = IsIdentifier(word);
                var wordHash = identifier ? IdentifierHash(word) : Hash(word, 0x811C9DC5);
                sink.Feature(wordHash);
                if (previousWord != 0) sink.Feature(Mix(previousWord, wordHash));
                if (lines.WordPending) sink.Feature(Mix(lines.TakeFirstWord(), wordHash));
                previousWord = wordHash;
                if (!identifier) AddCharacterGrams(ref sink, word);
                wordStart = -1;
            }
            else if (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                // Punctuation and symbols matter here ("<|im_start|>", "###"): each is a token of its own.
                sink.Token(i);
                var symbol = Hash(text.Slice(i, 1), 0x01000193);
                sink.Feature(symbol);
                if (previousWord != 0) sink.Feature(Mix(previousWord, symbol));
                previousWord = symbol;
            }
            if (i < text.Length && text[i] == '\n')
            {
                lineOpen = false;
                lines.End();
            }
        }
    }

    /// <summary>Where <see cref="Walk"/> puts the features: a token's position first, then each of its features.</summary>
    private interface ITokenSink
    {
        void Token(int position);

        void Feature(uint hash);
    }

    private struct ListSink(List<(int Slot, float Value)> features, List<int>? positions) : ITokenSink
    {
        private int _at;

        public void Token(int position) => _at = position;

        public readonly void Feature(uint hash)
        {
            features.Add((Slot(hash), Sign(hash)));
            positions?.Add(_at);
        }
    }

    private struct SumSink(float[] weights, List<TokenMark> marks) : ITokenSink
    {
        public double Sum { get; private set; }

        public int Count { get; private set; }

        public readonly void Token(int position) => marks.Add(new TokenMark(position, Sum, Count));

        public void Feature(uint hash)
        {
            Sum += weights[Slot(hash)] * Sign(hash);
            Count++;
        }
    }

    private static int Slot(uint hash) => (int)(hash & (Dimensions - 1));

    private static float Sign(uint hash) => (hash & 0x80000000) != 0 ? 1f : -1f;

    /// <summary>
    /// The shape of each line (table row, code, prose, other) and of the lines around it. An instruction inside a
    /// document is a prose line after table rows, code or other prose; the same words as a prompt of their own
    /// follow the start of the text. Emits a (previous shape, shape) feature and a (previous, own, next shape) feature
    /// at each line's first character and a (previous shape, first word) feature at its first word.
    /// </summary>
    private struct LineShapes
    {
        private int _previous; // 0 = start of the text
        private int _current;  // 0 = no content yet on this line

        public bool WordPending { get; private set; }

        /// <summary>The line's first non-blank character is at <paramref name="i"/>: its transition feature.</summary>
        public uint Start(ReadOnlySpan<char> text, int i)
        {
            _current = ShapeOf(text, i);
            WordPending = _current == 3;
            return Finish(ShapeSeed + (uint)(_previous * 8 + _current));
        }

        /// <summary>
        /// The prose line between the one before and the one after: an instruction slipped between two table rows or
        /// two lines of code reads prose-between-table, where a prompt of its own ends the text or leads into what
        /// follows. 0 unless the line is prose next to a line that is not.
        /// </summary>
        public readonly uint Surroundings(ReadOnlySpan<char> text, int i)
        {
            // Only prose next to a table row, code or other non-prose line: between prose lines the feature would
            // weigh every long prompt's paragraphs, and for a line alone it would restate the text's first character.
            // Most lines of code and tables end here, before the look for the next line.
            if (_current != 3) return 0;
            var next = 0; // 0 = end of the text
            var lineEnd = text[i..].IndexOf('\n');
            if (lineEnd >= 0)
            {
                var rest = text[(i + lineEnd)..];
                var first = rest.IndexOfAnyExcept(" \t\r\n");
                if (first >= 0) next = ShapeOf(rest, first);
            }
            if (_previous is 0 or 3 && next is 0 or 3) return 0;
            return Finish(SurroundSeed + (uint)((_previous * 8 + _current) * 8 + next));
        }

        public uint TakeFirstWord()
        {
            WordPending = false;
            return ShapeSeed * (uint)(_previous + 1);
        }

        public void End()
        {
            if (_current != 0) _previous = _current;
            _current = 0;
            WordPending = false;
        }

        /// <summary>The shape of the line whose first non-blank character is at <paramref name="i"/>.</summary>
        private static int ShapeOf(ReadOnlySpan<char> text, int i) => text[i] switch
        {
            '|' => 1,
            '`' or '{' or '}' or '<' or '#' or '/' or '@' => 2,
            _ when char.IsLetter(text[i]) => IndentedAsCode(text, i) ? 2 : 3,
            _ => 4,
        };

        /// <summary>
        /// Markdown's indented code: four columns of blanks (a tab counts four) before the first character, counted back
        /// to the line break only, so a line reads the same whether the text is seen whole or from its line break on.
        /// </summary>
        private static bool IndentedAsCode(ReadOnlySpan<char> text, int i)
        {
            var columns = 0;
            for (var k = i - 1; k >= 0 && columns < 4 && text[k] is ' ' or '\t'; k--) columns += text[k] == '\t' ? 4 : 1;
            return columns >= 4;
        }

        private const uint ShapeSeed = 0x6A09E667;
        private const uint SurroundSeed = 0x3C6EF372;
    }

    /// <summary>Features of the whole window: heuristic rule hits, obfuscation signals, a length bucket.</summary>
    public static void AddContext(int length, Obfuscation obfuscation, IEnumerable<string> ruleIds, List<(int Slot, float Value)> features)
    {
        // A heuristic hit is one feature among hundreds of n-grams: it counts several times so the model can lean on it.
        foreach (var rule in ruleIds)
        {
            for (var copy = 0u; copy < RuleWeight; copy++) Add(features, Hash(rule, 0x5bd1e995 + copy));
        }
        foreach (var (flag, hash) in FlagHashes)
        {
            if (obfuscation.HasFlag(flag)) Add(features, hash);
        }
        Add(features, LengthHashes[(int)Math.Log2(length + 1)]);
    }

    private static readonly (Obfuscation Flag, uint Hash)[] FlagHashes =
        Enum.GetValues<Obfuscation>().Where(f => f != Obfuscation.None).Select(f => (f, Hash(f.ToString(), 0x27d4eb2d))).ToArray();

    private static readonly uint[] LengthHashes = Enumerable.Range(0, 33).Select(b => Hash("length:" + b, 0x27d4eb2d)).ToArray();

    /// <summary>
    /// A word of three or more characters with a digit in it: a number, an id, a hash, a key. Its characters are chance,
    /// and as words and n-grams they fell on hashed slots that other prompts had trained, so one random id in a short
    /// prompt moved its score by chance ("Summarise 3fa9c0d1e2b4" was flagged one time in eight). It is read by its
    /// length and whether it is all digits.
    /// </summary>
    private static bool IsIdentifier(ReadOnlySpan<char> word) => word.Length >= 3 && word.IndexOfAnyInRange('0', '9') >= 0;

    private static uint IdentifierHash(ReadOnlySpan<char> word)
    {
        var length = Math.Min(word.Length, 32);
        return IdentifierHashes[word.ContainsAnyExceptInRange('0', '9') ? 33 + length : length];
    }

    private static readonly uint[] IdentifierHashes = Enumerable.Range(0, 66).Select(n => Hash("identifier:" + n, 0x27d4eb2d)).ToArray();

    /// <summary>Character 3-, 4- and 5-grams of a word, hashed incrementally from each start position.</summary>
    private static void AddCharacterGrams<TSink>(ref TSink sink, ReadOnlySpan<char> word) where TSink : struct, ITokenSink
    {
        if (word.Length < 3) return;
        var starts = Math.Min(word.Length - 2, 64);
        for (var i = 0; i < starts; i++)
        {
            var hash = 0x9E3779B1u;
            var end = Math.Min(word.Length, i + 5);
            for (var k = i; k < end; k++)
            {
                hash = (hash ^ word[k]) * 0x01000193;
                if (k - i >= 2) sink.Feature(Finish(hash ^ (uint)(k - i)));
            }
        }
    }

    private static void Add(List<(int, float)> features, uint hash) => features.Add((Slot(hash), Sign(hash)));

    private static uint Hash(ReadOnlySpan<char> text, uint seed)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x01000193;
        }
        return Finish(hash);
    }

    private static uint Mix(uint a, uint b) => Finish(a * 0x9E3779B1u ^ b);

    // A final avalanche so that nearby inputs spread over the slots and the sign bit.
    private static uint Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h == 0 ? 1 : h;
    }
}
