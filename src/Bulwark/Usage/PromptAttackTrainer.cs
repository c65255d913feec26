using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>
/// One labelled prompt for training or evaluation, with its dataset category when known: <c>harmful_request</c> is a
/// negative that is a plainly harmful ask (not an attack, but not a benign prompt for the false-positive rate either);
/// <c>indirect_prompt_injection</c> is a document with an instruction hidden in it.
/// </summary>
public sealed record LabeledPrompt(string Text, bool IsAttack, string Source, string Category = "")
{
    public bool IsHarmful => !IsAttack && Category == "harmful_request";

    public bool IsIndirect => IsAttack && Category == "indirect_prompt_injection";
}

/// <summary>
/// Trains the prompt-attack model: logistic regression with AdaGrad over hashed features, a fixed seed, classes
/// balanced and large sources damped (weight 1/√n per source) so that no single data set decides the model.
/// Prompts are scored by their worst window, so they train that way too (the multiple-instance view: an attack
/// document needs one bad window, a benign one must have none): a benign prompt on its whole text and its worst
/// windows, an attack on its whole text and its worst window, an indirect injection only on its worst suspect window
/// (the rest of it is innocent context). A tenth of the data is held out to fit the Platt calibration and to set the threshold at
/// <see cref="Options.TargetFalsePositiveRate"/> on held-out benign prompts.
/// </summary>
public sealed class PromptAttackTrainer
{
    public sealed record Options
    {
        public int Seed { get; init; } = 20261124;
        public int Epochs { get; init; } = 20;
        public double LearningRate { get; init; } = 0.05;
        public double L2 { get; init; } = 1e-7;
        public double TargetFalsePositiveRate { get; init; } = 0.01;
        public double CalibrationShare { get; init; } = 0.1;

        /// <summary>Also train on each prompt's currently worst window (false: whole texts only).</summary>
        public bool WindowTraining { get; init; } = true;

        /// <summary>Weight of harmful-request negatives relative to benign ones (0 leaves them out).</summary>
        public double HarmfulWeight { get; init; } = 1;

        /// <summary>Per-source damping: each example weighs n^-exponent within its class (0.5 = 1/√n).</summary>
        public double SourceExponent { get; init; } = 0.5;

        /// <summary>
        /// How an attack with windows trains. 0: only its worst window (the whole text being one of them). 1: also its
        /// whole text, unless it shares windows with benign prompts (an injected document is mostly innocent context
        /// that its clean copies show; teaching that context as an attack flags them). 2: always the whole text too.
        /// </summary>
        public int AttackWhole { get; init; } = 1;

        /// <summary>How many of a benign prompt's worst windows train as negatives each epoch.</summary>
        public int BenignWindows { get; init; } = 3;

        /// <summary>How many suspect windows of an indirect injection train as attacks each epoch (instruction and payload).</summary>
        public int InjectionWindows { get; init; } = 1;

        /// <summary>Average the weights over the second half of the epochs (smoother, less seed-dependent).</summary>
        public bool Average { get; init; } = true;
    }

    private readonly PromptAttackClassifier _scorer;
    private readonly TextDocumentScanner _rules;

    public PromptAttackTrainer(IEnumerable<Rule> rules)
    {
        var pack = rules.Where(r => r.Family == PromptAttackClassifier.Family).ToList();
        _scorer = new PromptAttackClassifier(pack, model: null);
        // A generous regex budget: under parallel featurisation a slow pattern could otherwise time out on one run
        // and not the next, and training would not be reproducible.
        var limits = ScanLimits.Default with { RegexTimeout = TimeSpan.FromSeconds(30) };
        _rules = new TextDocumentScanner(new PatternEngine(pack, limits), limits, TimeProvider.System);
    }

    /// <summary>Features of every prompt, computed once and reused across folds.</summary>
    public PromptSample[] Featurize(IReadOnlyList<LabeledPrompt> prompts)
    {
        var result = new PromptSample[prompts.Count];
        Parallel.For(0, prompts.Count, i => result[i] = Sample(prompts[i].Text));
        return result;
    }

    /// <summary>The tokens of the prepared text and every window the classifier would score, with its rule hits.</summary>
    public PromptSample Sample(string text)
    {
        var view = PromptText.Prepare(text);
        var matches = _rules.ScanString(view.Text);
        var tokens = new List<(int Slot, float Value)>(view.Text.Length * 2);
        var positions = new List<int>(view.Text.Length * 2);
        PromptFeatures.ExtractTokens(view.Text, tokens, positions);
        var windows = PromptWindows.Of(view.Text).Select(w =>
        {
            var rules = matches.Where(m => m.Start >= w.Start && m.Start < w.Start + w.Length).Select(m => m.Rule.Id).Distinct(StringComparer.Ordinal);
            var context = new List<(int, float)>();
            PromptFeatures.AddContext(w.Length, view.Obfuscation, rules, context);
            var (from, to) = (LowerBound(positions, w.Start), LowerBound(positions, w.Start + w.Length));
            return new PromptSample.Window(from, to, [.. context], PromptSample.KeyOf(tokens.ToArray().AsSpan(from, to - from)));
        }).ToArray();
        return new PromptSample([.. tokens], windows);
    }

    /// <param name="trainOnly">
    /// Rows that train but never enter the calibration share (authored augmentation: the threshold should be set on
    /// prompts like those the model will meet).
    /// </param>
    public PromptAttackModel Train(IReadOnlyList<LabeledPrompt> prompts, PromptSample[] samples, IReadOnlyList<int> rows, Options? options = null, IReadOnlyList<int>? trainOnly = null)
    {
        options ??= new Options();
        var random = new Random(options.Seed);
        var shuffled = rows.OrderBy(_ => random.Next()).ToArray();
        var calibrationCount = (int)(shuffled.Length * options.CalibrationShare);
        var calibration = shuffled[..calibrationCount];
        int[] training = [.. shuffled[calibrationCount..], .. trainOnly ?? []];

        var weights = ExampleWeights(prompts, training, options);
        var suspects = Suspects(samples, prompts, training);
        var learner = new AdaGrad(options.LearningRate, options.L2);
        var averaged = new double[PromptFeatures.Dimensions];
        double averagedBias = 0;
        var averagedEpochs = 0;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = training.Where(r => weights[r] > 0).OrderBy(_ => random.Next()).ToArray();
            foreach (var row in order)
            {
                var sample = samples[row];
                var label = prompts[row].IsAttack ? 1 : 0;
                if (!options.WindowTraining || sample.Windows.Length == 1)
                {
                    learner.Step(sample, sample.Windows[0], label, weights[row]);
                    continue;
                }
                if (label == 0)
                {
                    learner.Step(sample, sample.Windows[0], 0, weights[row]);
                    foreach (var worst in sample.Worst(learner.W, learner.Bias, options.BenignWindows))
                    {
                        if (worst > 0) learner.Step(sample, sample.Windows[worst], 0, weights[row]);
                    }
                    continue;
                }
                var allowed = suspects[row];
                var whole = !prompts[row].IsIndirect && (options.AttackWhole == 2 || (options.AttackWhole == 1 && allowed is null));
                if (whole) learner.Step(sample, sample.Windows[0], 1, weights[row]);
                foreach (var suspect in sample.Worst(learner.W, learner.Bias, prompts[row].IsIndirect ? options.InjectionWindows : 1, allowed))
                {
                    if (suspect > 0 || !whole) learner.Step(sample, sample.Windows[suspect], 1, weights[row]);
                }
            }
            if (options.Average && epoch >= options.Epochs / 2)
            {
                for (var i = 0; i < averaged.Length; i++) averaged[i] += learner.W[i];
                averagedBias += learner.Bias;
                averagedEpochs++;
            }
        }
        var w = learner.W;
        var bias = learner.Bias;
        if (averagedEpochs > 0)
        {
            w = averaged.Select(v => (float)(v / averagedEpochs)).ToArray();
            bias = averagedBias / averagedEpochs;
        }

        // Calibrate the score that decides at run time: the worst window's margin.
        var margins = calibration.Select(r => (Margin: (float)samples[r].Margin(w, bias, samples[r].Windows[samples[r].Worst(w, bias)]), prompts[r].IsAttack)).ToList();
        var (scale, offset) = FitPlatt(margins);
        var calibrated = new PromptAttackModel(w, (float)bias, scale, offset, 0.5f);

        // The threshold comes from the same scoring users get (whole text and windows, rules), on held-out benign prompts.
        var scorer = _scorer.WithModel(calibrated);
        var benign = calibration.Where(r => !prompts[r].IsAttack && !prompts[r].IsHarmful).ToArray();
        var scores = new float[benign.Length];
        Parallel.For(0, benign.Length, i => scores[i] = scorer.Classify(prompts[benign[i]].Text).Score);
        var threshold = ThresholdAt([.. scores], options.TargetFalsePositiveRate);
        return new PromptAttackModel(w, (float)bias, scale, offset, threshold);
    }

    /// <summary>
    /// Per attack with windows, which windows may hold the attack: not one that also occurs verbatim in a benign
    /// training prompt (an injected document shares its innocent context with clean copies). Null: all may; then the
    /// whole text trains as an attack too, otherwise only the suspect windows do.
    /// </summary>
    private static bool[]?[] Suspects(PromptSample[] samples, IReadOnlyList<LabeledPrompt> prompts, int[] training)
    {
        var benign = training.Where(r => !prompts[r].IsAttack).SelectMany(r => samples[r].Windows.Skip(1).Select(w => w.Key)).ToHashSet();
        var result = new bool[]?[samples.Length];
        foreach (var row in training.Where(r => prompts[r].IsAttack && samples[r].Windows.Length > 1))
        {
            var windows = samples[row].Windows;
            var allowed = windows.Select((w, i) => !benign.Contains(w.Key)).ToArray();
            if (allowed.Skip(1).All(a => a) && !prompts[row].IsIndirect) continue;
            allowed[0] = false;
            result[row] = allowed.Any(a => a) ? allowed : null;
        }
        return result;
    }

    /// <summary>Balanced classes; within a class each source weighs n^-exponent, normalised to the class total.</summary>
    private static double[] ExampleWeights(IReadOnlyList<LabeledPrompt> prompts, int[] rows, Options options)
    {
        var weights = new double[prompts.Count];
        foreach (var cls in new[] { true, false })
        {
            var members = rows.Where(r => prompts[r].IsAttack == cls).ToList();
            var sizes = members.GroupBy(r => prompts[r].Source).ToDictionary(g => g.Key, g => g.Count());
            foreach (var r in members) weights[r] = Math.Pow(sizes[prompts[r].Source], -options.SourceExponent) * (prompts[r].IsHarmful ? options.HarmfulWeight : 1);
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

    private static int LowerBound(List<int> sorted, int value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Logistic-loss AdaGrad over one window's features (a range of the sample's tokens plus its context).</summary>
    private sealed class AdaGrad(double learningRate, double l2)
    {
        private readonly float[] _g2 = new float[PromptFeatures.Dimensions];
        private double _biasG2;

        public float[] W { get; } = new float[PromptFeatures.Dimensions];
        public double Bias { get; private set; }

        public void Step(PromptSample sample, in PromptSample.Window window, int label, double weight)
        {
            var p = 1.0 / (1.0 + Math.Exp(-sample.Margin(W, Bias, window)));
            var gradient = (p - label) * weight;
            var norm = 1.0 / Math.Sqrt(Math.Max(1, window.Count));
            for (var k = window.From; k < window.To; k++) Update(sample.Tokens[k], gradient * norm);
            foreach (var feature in window.Context) Update(feature, gradient * norm);
            _biasG2 += gradient * gradient;
            Bias -= learningRate * gradient / (Math.Sqrt(_biasG2) + 1e-8);
        }

        private void Update((int Slot, float Value) feature, double scaled)
        {
            var (slot, value) = feature;
            var g = scaled * value + l2 * W[slot];
            _g2[slot] += (float)(g * g);
            W[slot] -= (float)(learningRate * g / (Math.Sqrt(_g2[slot]) + 1e-8));
        }
    }
}
