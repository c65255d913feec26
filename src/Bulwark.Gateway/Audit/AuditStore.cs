using System.Data.Common;
using System.Globalization;
using System.Text;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Audit;

/// <summary>Writes audit records in batches (one transaction each) and queries them back, newest first. One SQL text for both engines.</summary>
public sealed class AuditStore(GatewayDatabase database)
{
    private const string Columns = "request_id, time_ms, key_id, team, route, model, upstream, stream, status, latency_ms, "
        + "prompt_tokens, completion_tokens, total_tokens, verdict, rules, error, excerpt";

    private const int ColumnCount = 17;

    /// <summary>Rows per INSERT: one statement carries many rows (one round trip to PostgreSQL), within both engines' parameter limits.</summary>
    private const int RowsPerStatement = 500;

    /// <summary>
    /// Writes <paramref name="records"/> in one transaction: all or none. <paramref name="durable"/>: on disk before
    /// this returns (SQLite <c>synchronous = FULL</c>; PostgreSQL commits are durable anyway).
    /// </summary>
    public void Write(IReadOnlyList<AuditRecord> records, bool durable = false)
    {
        if (records.Count == 0) return;
        using var connection = database.Connect(durable);
        using var transaction = connection.BeginTransaction();
        for (var start = 0; start < records.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, records.Count - start);
            using var command = connection.Command(InsertSql(count), transaction);
            for (var row = 0; row < count; row++)
            {
                var r = records[start + row];
                object?[] values = [r.RequestId, r.Time.ToUnixTimeMilliseconds(), r.KeyId, r.Team, r.Route, r.Model, r.Upstream, r.Stream ? 1L : 0L,
                    (long)r.Status, r.LatencyMs, r.PromptTokens, r.CompletionTokens, r.TotalTokens, r.Verdict, string.Join(' ', r.Rules), r.Error, r.Excerpt];
                for (var i = 0; i < values.Length; i++) command.AddParameter(Name(row, i), values[i]);
            }
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static string InsertSql(int rows)
    {
        var sql = new StringBuilder("INSERT INTO audit_records (").Append(Columns).Append(") VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var i = 0; i < ColumnCount; i++) sql.Append(i == 0 ? "" : ", ").Append(Name(row, i));
            sql.Append(')');
        }
        return sql.ToString();
    }

    private static string Name(int row, int column) => string.Create(CultureInfo.InvariantCulture, $"@r{row}c{column}");

    public IReadOnlyList<AuditRecord> Query(AuditQuery query)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add("time_ms >= @since");
            command.AddParameter("@since", since.ToUnixTimeMilliseconds());
        }
        if (query.KeyId is { } key)
        {
            where.Add("key_id = @key");
            command.AddParameter("@key", key);
        }
        if (query.RuleId is { } rule)
        {
            // Rules are stored space-separated; pad both sides so a prefix of one id never matches another.
            where.Add("(' ' || rules || ' ') LIKE @rule ESCAPE '\\'");
            command.AddParameter("@rule", "% " + rule.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + " %");
        }
        command.CommandText = "SELECT " + Columns + " FROM audit_records"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY time_ms DESC, id DESC LIMIT @limit";
        command.AddParameter("@limit", (long)Math.Clamp(query.Limit, 1, 100_000));
        using var reader = command.ExecuteReader();
        var records = new List<AuditRecord>();
        while (reader.Read()) records.Add(Read(reader));
        return records;
    }

    private static AuditRecord Read(DbDataReader reader) => new()
    {
        RequestId = reader.GetString(0),
        Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.Number(1)),
        KeyId = reader.NullableString(2),
        Team = reader.NullableString(3),
        Route = reader.GetString(4),
        Model = reader.NullableString(5),
        Upstream = reader.NullableString(6),
        Stream = reader.Number(7) != 0,
        Status = reader.Whole(8),
        LatencyMs = reader.GetDouble(9),
        PromptTokens = reader.NullableNumber(10),
        CompletionTokens = reader.NullableNumber(11),
        TotalTokens = reader.NullableNumber(12),
        Verdict = reader.GetString(13),
        Rules = reader.GetString(14).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Error = reader.NullableString(15),
        Excerpt = reader.NullableString(16),
    };
}
