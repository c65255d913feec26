namespace Bulwark.Usage;

/// <summary>One labelled prompt for training or evaluation.</summary>
public sealed record LabeledPrompt(string Text, bool IsAttack, string Source);

/// <summary>
/// Trains the prompt-attack model: logistic regression with AdaGrad over hashed features, a fixed seed, classes
/// balanced and large sources damped (weight 1/√n per source) so that no single data set decides the model.
/// A tenth of the data is held out to fit the Platt calibration and to set the threshold at
/// <see cref="Options.TargetFalsePositiveRate"/> on held-out benign prompts.
/// </summary>
public sealed class PromptAttackTrainer(PromptAttackClassifier featurizer)
{
    public sealed record Options
    {
        public int Seed { get; init; } = 20261124;
        public int Epochs { get; init; } = 20;
        public double LearningRate { get; init; } = 0.05;
        public double L2 { get; init; } = 1e-7;
        public double TargetFalsePositiveRate { get; init; } = 0.01;
        public double CalibrationShare { get; init; } = 0.1;
    }

    /// <summary>Features of every prompt, computed once and reused across folds.</summary>
    public List<(int Slot, float Value)>[] Featurize(IReadOnlyList<LabeledPrompt> prompts)
    {
        var result = new List<(int, float)>[prompts.Count];
        Parallel.For(0, prompts.Count, i => result[i] = featurizer.Features(prompts[i].Text));
        return result;
    }

    public PromptAttackModel Train(IReadOnlyList<LabeledPrompt> prompts, List<(int Slot, float Value)>[] features, IReadOnlyList<int> rows, Options? options = null)
    {
        options ??= new Options();
        var random = new Random(options.Seed);
        var shuffled = rows.OrderBy(_ => random.Next()).ToArray();
        var calibrationCount = (int)(shuffled.Length * options.CalibrationShare);
        var calibration = shuffled[..calibrationCount];
        var training = shuffled[calibrationCount..];

        var weights = ExampleWeights(prompts, training);
        var w = new float[PromptFeatures.Dimensions];
        var g2 = new float[PromptFeatures.Dimensions];
        double bias = 0, biasG2 = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = training.OrderBy(_ => random.Next()).ToArray();
            foreach (var row in order)
            {
                var x = features[row];
                var norm = 1.0 / Math.Sqrt(Math.Max(1, x.Count));
                double z = bias;
                foreach (var (slot, value) in x) z += w[slot] * value * norm;
                var p = 1.0 / (1.0 + Math.Exp(-z));
                var gradient = (p - (prompts[row].IsAttack ? 1 : 0)) * weights[row];
                foreach (var (slot, value) in x)
                {
                    var g = gradient * value * norm + options.L2 * w[slot];
                    g2[slot] += (float)(g * g);
                    w[slot] -= (float)(options.LearningRate * g / (Math.Sqrt(g2[slot]) + 1e-8));
                }
                biasG2 += gradient * gradient;
                bias -= options.LearningRate * gradient / (Math.Sqrt(biasG2) + 1e-8);
            }
        }

        var raw = new PromptAttackModel(w, (float)bias, 1, 0, 0.5f);
        var margins = calibration.Select(r => (Margin: raw.Margin(features[r]), prompts[r].IsAttack)).ToList();
        var (scale, offset) = FitPlatt(margins);
        var calibrated = new PromptAttackModel(w, (float)bias, scale, offset, 0.5f);

        // The threshold comes from the same scoring users get (whole text and windows), on held-out benign prompts.
        var scorer = featurizer.WithModel(calibrated);
        var benign = calibration.Where(r => !prompts[r].IsAttack).ToArray();
        var scores = new float[benign.Length];
        Parallel.For(0, benign.Length, i => scores[i] = scorer.Classify(prompts[benign[i]].Text).Score);
        var threshold = ThresholdAt([.. scores], options.TargetFalsePositiveRate);
        return new PromptAttackModel(w, (float)bias, scale, offset, threshold);
    }

    /// <summary>Balanced classes; within a class each source weighs 1/√(its size), normalised to the class total.</summary>
    private static double[] ExampleWeights(IReadOnlyList<LabeledPrompt> prompts, int[] rows)
    {
        var weights = new double[prompts.Count];
        foreach (var cls in new[] { true, false })
        {
            var members = rows.Where(r => prompts[r].IsAttack == cls).ToList();
            var sizes = members.GroupBy(r => prompts[r].Source).ToDictionary(g => g.Key, g => g.Count());
            foreach (var r in members) weights[r] = 1.0 / Math.Sqrt(sizes[prompts[r].Source]);
            var total = members.Sum(r => weights[r]);
            foreach (var r in members) weights[r] *= rows.Length / 2.0 / Math.Max(total, 1e-9);
        }
        return weights;
    }

    /// <summary>Fits p = σ(a·margin + b) to held-out labels by gradient descent on the log loss.</summary>
    private static (float Scale, float Offset) FitPlatt(List<(float Margin, bool IsAttack)> points)
    {
        if (points.Count == 0 || points.All(p => p.IsAttack) || points.All(p => !p.IsAttack)) return (1, 0);
        double a = 1, b = 0;
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            double ga = 0, gb = 0;
            foreach (var (margin, attack) in points)
            {
                var p = 1 / (1 + Math.Exp(-(a * margin + b)));
                var d = p - (attack ? 1 : 0);
                ga += d * margin;
                gb += d;
            }
            a -= 0.5 * ga / points.Count;
            b -= 0.5 * gb / points.Count;
        }
        return ((float)a, (float)b);
    }

    /// <summary>The smallest score that flags at most <paramref name="rate"/> of the benign scores.</summary>
    public static float ThresholdAt(List<float> benignScores, double rate)
    {
        if (benignScores.Count == 0) return 0.5f;
        benignScores.Sort();
        var allowed = (int)Math.Floor(benignScores.Count * rate);
        return allowed >= benignScores.Count ? 0f : MathF.BitIncrement(benignScores[benignScores.Count - allowed - 1]);
    }
}
