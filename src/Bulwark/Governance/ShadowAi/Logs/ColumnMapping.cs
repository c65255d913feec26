using System.Globalization;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Which column of a CSV, TSV or JSON-lines log holds each record field: a name (matched against the header row, or
/// a JSON key) or a 1-based column number. Written as <c>host=domain,user=login,client=src_ip,time=ts,bytes-out=sent,bytes-in=received</c>,
/// optionally with <c>header=no</c>. Only host is required.
/// </summary>
public sealed record ColumnMapping
{
    private const int MaxColumn = 1024;

    public string? Host { get; init; }
    public string? User { get; init; }
    public string? Client { get; init; }
    public string? Time { get; init; }
    public string? BytesOut { get; init; }
    public string? BytesIn { get; init; }

    /// <summary>Whether a CSV's first line names its columns; by default, when any column is given by name.</summary>
    public bool? Header { get; init; }

    /// <summary>Used when no mapping is given: columns or keys named <c>host</c>, <c>user</c>, <c>client</c>,
    /// <c>time</c>, <c>bytes_out</c>, <c>bytes_in</c>.</summary>
    public static ColumnMapping Default { get; } = new()
    {
        Host = "host", User = "user", Client = "client", Time = "time", BytesOut = "bytes_out", BytesIn = "bytes_in",
    };

    /// <summary>Whether the first line of a delimited log is a header row.</summary>
    public bool HasHeader => Header ?? Columns().Any(c => c is not null && !IsIndex(c));

    /// <summary>Reads <c>key=column,…</c>; keys are host, user, client, time, bytes-out, bytes-in, header.</summary>
    public static ColumnMapping Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var mapping = new ColumnMapping();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
                throw new BulwarkInputException($"column mapping '{part}' is not key=column (keys: host, user, client, time, bytes-out, bytes-in, header)");
            var key = part[..equals].Trim().ToLowerInvariant().Replace('_', '-');
            var column = part[(equals + 1)..].Trim();
            if (!seen.Add(key)) throw new BulwarkInputException($"column mapping names '{key}' twice");
            if (key != "header" && IsIndex(column) && !TryIndex(column, out _))
                throw new BulwarkInputException($"column mapping {key}={column}: column numbers run from 1 to {MaxColumn}");
            mapping = key switch
            {
                "host" => mapping with { Host = column },
                "user" => mapping with { User = column },
                "client" => mapping with { Client = column },
                "time" => mapping with { Time = column },
                "bytes-out" => mapping with { BytesOut = column },
                "bytes-in" => mapping with { BytesIn = column },
                "header" => mapping with { Header = ParseFlag(column) },
                _ => throw new BulwarkInputException($"column mapping key '{key}' is unknown (keys: host, user, client, time, bytes-out, bytes-in, header)"),
            };
        }
        return mapping;
    }

    /// <summary>The six columns in record order: host, user, client, time, bytes-out, bytes-in.</summary>
    internal string?[] Columns() => [Host, User, Client, Time, BytesOut, BytesIn];

    internal static bool IsIndex(string column) => column.Length > 0 && column.All(char.IsAsciiDigit);

    /// <summary>A 1-based column number as a 0-based index.</summary>
    internal static bool TryIndex(string column, out int index)
    {
        index = -1;
        if (!IsIndex(column) || column.Length > 4) return false;
        var number = int.Parse(column, CultureInfo.InvariantCulture);
        if (number is < 1 or > MaxColumn) return false;
        index = number - 1;
        return true;
    }

    private static bool ParseFlag(string value) => value.ToLowerInvariant() switch
    {
        "yes" or "true" or "1" => true,
        "no" or "false" or "0" => false,
        _ => throw new BulwarkInputException($"column mapping header={value}: use yes or no"),
    };
}
