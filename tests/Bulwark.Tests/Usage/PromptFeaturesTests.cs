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

    private static int LowerBound(List<int> sorted, int value)
    {
        var i = sorted.FindIndex(p => p >= value);
        return i < 0 ? sorted.Count : i;
    }
}
