namespace Bulwark.Data.Poisoning;

/// <summary>
/// Exact duplicates (same text once case and spacing are normalised) and near duplicates (MinHash over word
/// trigrams, locality-sensitive hashing in 16 bands of 4, confirmed by exact Jaccard similarity >= 0.8). A group whose
/// rows carry different labels is a label conflict: one of them is wrong, or the data was tampered with.
/// </summary>
internal static class DuplicateFinder
{
    public const double NearThreshold = 0.8;
    private const int Hashes = 64;
    private const int Bands = 16;
    private const int BandRows = Hashes / Bands;
    private const int MaxBucket = 256; // a bucket larger than this is boilerplate; comparing all of it would be quadratic

    public static IEnumerable<DatasetIssue> Find(AuditInput input)
    {
        var union = Enumerable.Range(0, input.Rows.Count).ToArray();
        int Find(int x) => union[x] == x ? x : union[x] = Find(union[x]);

        // Words only: style tokens would tell "today" from "today!".
        var words = input.Rows.Select(row => row.Where(id => !input.Vocabulary.IsShape(id)).ToArray()).ToArray();
        var exact = new Dictionary<string, int>(StringComparer.Ordinal);
        var isExact = new bool[input.Rows.Count];
        for (var r = 0; r < input.Rows.Count; r++)
        {
            var key = string.Join(' ', words[r]);
            if (exact.TryGetValue(key, out var first)) { union[Find(r)] = Find(first); isExact[r] = true; }
            else exact[key] = r;
        }

        var shingles = words.Select(Shingles).ToArray();
        var buckets = new Dictionary<(int Band, ulong Hash), List<int>>();
        for (var r = 0; r < input.Rows.Count; r++)
        {
            if (isExact[r] || shingles[r].Count == 0) continue;
            var signature = Signature(shingles[r]);
            for (var b = 0; b < Bands; b++)
            {
                var hash = 14695981039346656037UL;
                for (var k = b * BandRows; k < (b + 1) * BandRows; k++) hash = (hash ^ signature[k]) * 1099511628211UL;
                if (!buckets.TryGetValue((b, hash), out var bucket)) buckets[(b, hash)] = bucket = [];
                if (bucket.Count < MaxBucket) bucket.Add(r);
            }
        }
        var near = new HashSet<int>();
        foreach (var bucket in buckets.Values.Where(b => b.Count > 1))
        {
            for (var i = 0; i < bucket.Count; i++)
            {
                for (var j = i + 1; j < bucket.Count; j++)
                {
                    var (a, b) = (bucket[i], bucket[j]);
                    if (Find(a) == Find(b) || Jaccard(shingles[a], shingles[b]) < NearThreshold) continue;
                    union[Find(a)] = Find(b);
                    near.Add(a);
                    near.Add(b);
                }
            }
        }

        foreach (var group in Enumerable.Range(0, input.Rows.Count).GroupBy(Find).Where(g => g.Count() > 1))
        {
            var rows = group.ToList();
            var numbers = rows.Select(r => input.RowNumbers[r]).ToList();
            var labels = rows.Select(r => input.Labels[r]).Distinct().ToList();
            var kind = rows.Any(near.Contains) ? "near-duplicate" : "duplicate";
            if (labels.Count > 1)
                yield return new DatasetIssue(DatasetIssueKind.ConflictingLabels, numbers,
                    $"{rows.Count} {kind} rows carry {labels.Count} labels: {string.Join(", ", labels.Select(l => $"'{input.LabelNames[l]}'"))}", 1);
            else
                yield return new DatasetIssue(kind == "duplicate" ? DatasetIssueKind.ExactDuplicate : DatasetIssueKind.NearDuplicate, numbers,
                    $"{rows.Count} {kind} rows (label '{input.LabelNames[labels[0]]}')", 0.5);
        }
    }

    private static HashSet<ulong> Shingles(int[] words)
    {
        var set = new HashSet<ulong>();
        if (words.Length < 3)
        {
            if (words.Length > 0) set.Add(Mix((ulong)words[0], words.Length > 1 ? (ulong)words[1] + 1 : 0));
            return set;
        }
        for (var i = 0; i + 3 <= words.Length; i++) set.Add(Mix(Mix((ulong)words[i], (ulong)words[i + 1]), (ulong)words[i + 2]));
        return set;
    }

    private static ulong[] Signature(HashSet<ulong> shingles)
    {
        var signature = new ulong[Hashes];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var shingle in shingles)
        {
            for (var k = 0; k < Hashes; k++)
            {
                var h = Mix(shingle, (ulong)k * 0x9E3779B97F4A7C15UL);
                if (h < signature[k]) signature[k] = h;
            }
        }
        return signature;
    }

    private static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    private static ulong Mix(ulong a, ulong b)
    {
        var h = (a ^ (b + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2))) * 0xBF58476D1CE4E5B9UL;
        h ^= h >> 31;
        h *= 0x94D049BB133111EBUL;
        return h ^ (h >> 29);
    }
}
