using System.Net;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Discovery;

/// <summary>
/// Who belongs to which department: a CSV of <c>match,department</c> rows where a match is a user name (as the logs
/// write it, compared ignoring case), a client address, or a CIDR block (<c>10.20.0.0/16</c>). Users win over
/// addresses, and the longest CIDR prefix wins among blocks.
/// </summary>
public sealed class DepartmentMap
{
    private const long MaxBytes = 16 * 1024 * 1024;
    private readonly Dictionary<string, string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPNetwork Network, string Department)> _networks = [];

    public static DepartmentMap Empty { get; } = new();

    public static DepartmentMap Load(string path)
    {
        var map = new DepartmentMap();
        var lineNumber = 0;
        foreach (var raw in YamlInput.ReadFile(path, MaxBytes, "department map").Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0 || comma == line.Length - 1) throw new BulwarkInputException($"{path}:{lineNumber}: expected 'user-or-address-or-cidr,department'");
            var match = line[..comma].Trim().Trim('"');
            var department = line[(comma + 1)..].Trim().Trim('"');
            if (lineNumber == 1 && match.Equals("match", StringComparison.OrdinalIgnoreCase)) continue;
            if (match.Contains('/', StringComparison.Ordinal))
            {
                if (!IPNetwork.TryParse(match, out var network)) throw new BulwarkInputException($"{path}:{lineNumber}: '{match}' is not a CIDR block");
                map._networks.Add((network, department));
            }
            else map._exact[match] = department;
        }
        map._networks.Sort((a, b) => b.Network.PrefixLength.CompareTo(a.Network.PrefixLength));
        return map;
    }

    /// <summary>The department of a user, else of the client address; null when neither is mapped.</summary>
    public string? Find(string? user, string? client)
    {
        if (user is not null && _exact.TryGetValue(user, out var byUser)) return byUser;
        if (client is null) return null;
        if (_exact.TryGetValue(client, out var byClient)) return byClient;
        if (_networks.Count == 0 || !IPAddress.TryParse(client, out var address)) return null;
        foreach (var (network, department) in _networks) if (network.Contains(address)) return department;
        return null;
    }
}
