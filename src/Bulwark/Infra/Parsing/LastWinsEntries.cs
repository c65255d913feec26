namespace Bulwark.Infra.Parsing;

/// <summary>
/// Variables where a later assignment replaces an earlier one (<c>ENV</c>, <c>ARG</c>, .env keys): the map keeps only
/// the effective value, at the place of its last assignment, so <see cref="InfraMap.Get"/> answers what the build or
/// the container sees. A dictionary keeps replacement O(1), so a file repeating one key stays linear.
/// </summary>
internal sealed class LastWinsEntries
{
    private readonly List<InfraEntry?> entries = [];
    private readonly Dictionary<string, int> indexes = new(StringComparer.Ordinal);

    public void Set(InfraEntry entry)
    {
        if (indexes.TryGetValue(entry.Key, out var previous)) entries[previous] = null;
        indexes[entry.Key] = entries.Count;
        entries.Add(entry);
    }

    public InfraMap ToMap(int line, int column) => new([.. entries.OfType<InfraEntry>()], line, column);
}
