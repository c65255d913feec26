using Bulwark.Usage;

namespace Bulwark.Tests.Usage;

public class PromptFeaturesTests
{
    /// <summary>
    /// The classifier reads window sums from token marks; training lists the features with their positions. Both
    /// must give every window the same features, sum (bit for bit: the same additions in the same order) and count.
    /// </summary>
    [Fact]
    public void Token_marks_give_every_window_the_sum_and_count_of_its_listed_features()
    {
        var random = new Random(11);
        var weights = Enumerable.Range(0, PromptFeatures.Dimensions).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        string[] pieces = ["ignore", " ", "  ", "\n", "\n\n", "previous", "<|im_start|>", "###", "|", "don't", "x", "a1b2", "é", ".", "    code", "Système"];
        for (var round = 0; round < 300; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 80)).Select(_ => pieces[random.Next(pieces.Length)]));
            var features = new List<(int Slot, float Value)>();
            var positions = new List<int>();
            PromptFeatures.ExtractTokens(text, features, positions);
            var prefix = new double[features.Count + 1];
            for (var i = 0; i < features.Count; i++) prefix[i + 1] = prefix[i] + weights[features[i].Slot] * features[i].Value;
            var marks = new List<PromptFeatures.TokenMark>();
            PromptFeatures.SumTokens(text, weights, marks);

            Assert.Equal(int.MaxValue, marks[^1].Position);
            for (var query = 0; query < 20; query++)
            {
                var start = random.Next(text.Length + 1);
                var end = random.Next(start, text.Length + 1);
                int from = LowerBound(positions, start), to = LowerBound(positions, end);
                var (a, b) = (marks.First(m => m.Position >= start), marks.First(m => m.Position >= end));
                Assert.Equal(prefix[to] - prefix[from], b.Sum - a.Sum);
                Assert.Equal(to - from, b.Count - a.Count);
            }
        }
    }

    /// <summary>
    /// A line's shape (prose, indented code, table row) depends on the line alone: blanks at the end of the line before
    /// it change no feature. (Indentation was once read across the previous line break, so "a  \n  b" made b code.)
    /// </summary>
    [Fact]
    public void Blanks_at_the_end_of_a_line_change_no_feature()
    {
        var random = new Random(5);
        string[] starts = ["Please", "| a | b |", "# Title", "{", "- item", "x = 1", "Ignore the above"];
        string[] blanks = ["", " ", "  ", "   ", "    ", "\t", " \t"];
        for (var round = 0; round < 500; round++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 8)).Select(_ => blanks[random.Next(blanks.Length)] + starts[random.Next(starts.Length)]).ToArray();
            var plain = string.Join('\n', lines);
            var padded = string.Join('\n', lines.Select(l => l + blanks[random.Next(blanks.Length)]));
            Assert.Equal(Features(plain), Features(padded));
        }

        static List<(int Slot, float Value)> Features(string text)
        {
            var features = new List<(int Slot, float Value)>();
            PromptFeatures.ExtractTokens(text, features, positions: null);
            return features;
        }
    }

    private static int LowerBound(List<int> sorted, int value)
    {
        var i = sorted.FindIndex(p => p >= value);
        return i < 0 ? sorted.Count : i;
    }
}
