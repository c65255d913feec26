namespace Bulwark.Kernel;

/// <summary>The five pillars of IBM's Framework for Securing Generative AI; every rule belongs to one.</summary>
public enum Pillar
{
    Data,
    Model,
    Usage,
    Infrastructure,
    Governance,
}

public static class PillarNames
{
    /// <summary>The id segment that names a pillar: <c>BW-DATA-…</c>, <c>BW-INFRA-…</c>.</summary>
    public static string IdSegment(this Pillar pillar) => pillar switch
    {
        Pillar.Data => "DATA",
        Pillar.Model => "MODEL",
        Pillar.Usage => "USAGE",
        Pillar.Infrastructure => "INFRA",
        Pillar.Governance => "GOV",
        _ => throw new ArgumentOutOfRangeException(nameof(pillar)),
    };

    /// <summary>Reads the pillar from a rule id such as <c>BW-DATA-SECRET-OPENAI</c>.</summary>
    public static bool TryFromRuleId(string ruleId, out Pillar pillar)
    {
        foreach (var candidate in Enum.GetValues<Pillar>())
        {
            if (ruleId.StartsWith($"BW-{candidate.IdSegment()}-", StringComparison.Ordinal))
            {
                pillar = candidate;
                return true;
            }
        }
        pillar = default;
        return false;
    }
}
