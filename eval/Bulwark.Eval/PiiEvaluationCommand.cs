namespace Bulwark.Eval;

/// <summary>`pii`: runs <see cref="PiiEvaluation"/>, writes eval/results/pii.md and pii.json.</summary>
public static class PiiEvaluationCommand
{
    public static int Run(string shared, string results, bool verbose)
    {
        var result = PiiEvaluation.Run(shared);
        var notesPath = Path.Combine(RepositoryPaths.Root, "eval", "Bulwark.Eval", "pii-notes.md");
        var notes = File.Exists(notesPath) ? File.ReadAllText(notesPath) : null;
        File.WriteAllText(Path.Combine(results, "pii.md"), PiiEvaluation.ToMarkdown(result, notes));
        File.WriteAllText(Path.Combine(results, "pii.json"), PiiEvaluation.ToJson(result) + "\n");
        foreach (var e in result.Entities)
        {
            Console.WriteLine($"{e.Entity,-20} gold {e.Gold,4} recall {e.Recall:0.000}  predicted {e.Predicted,4} precision {e.Precision:0.000}");
        }
        // Misses and false positives quote the data set, so they go to stderr for the developer, not into results.
        if (verbose)
        {
            foreach (var miss in result.Misses) Console.Error.WriteLine("MISS\t" + miss);
            foreach (var fp in result.FalsePositives) Console.Error.WriteLine("FP\t" + fp);
        }
        Console.WriteLine($"pii: {result.Rules} rules; precision {result.Total.Precision:0.000}, recall {result.Total.Recall:0.000} (Presidio default 0.685 / 0.603); written to {results}");
        return 0;
    }
}
