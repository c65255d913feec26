using Bulwark.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Bulwark.Gateway.Audit;

/// <summary>Writes audit records in batches (one transaction each) and queries them back, newest first.</summary>
public sealed class AuditStore(GatewayDatabase database)
{
    public void Write(IReadOnlyCollection<AuditRecord> records)
    {
        if (records.Count == 0) return;
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO audit_records (request_id, time_ms, key_id, team, route, model, upstream, stream, status, latency_ms,
                prompt_tokens, completion_tokens, total_tokens, verdict, rules, error, excerpt)
            VALUES ($request, $time, $key, $team, $route, $model, $upstream, $stream, $status, $latency,
                $prompt, $completion, $total, $verdict, $rules, $error, $excerpt)
            """;
        string[] names = ["$request", "$time", "$key", "$team", "$route", "$model", "$upstream", "$stream", "$status", "$latency",
            "$prompt", "$completion", "$total", "$verdict", "$rules", "$error", "$excerpt"];
        foreach (var r in records)
        {
            object?[] values = [r.RequestId, r.Time.ToUnixTimeMilliseconds(), r.KeyId, r.Team, r.Route, r.Model, r.Upstream, r.Stream ? 1 : 0,
                r.Status, r.LatencyMs, r.PromptTokens, r.CompletionTokens, r.TotalTokens, r.Verdict, string.Join(' ', r.Rules), r.Error, r.Excerpt];
            // Fresh parameters per row: each binds with the type of its value (integer, real, text or NULL).
            command.Parameters.Clear();
            for (var i = 0; i < values.Length; i++) command.Parameters.AddWithValue(names[i], values[i] ?? DBNull.Value);
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public IReadOnlyList<AuditRecord> Query(AuditQuery query)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (query.Since is { } since)
        {
            where.Add("time_ms >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }
        if (query.KeyId is { } key)
        {
            where.Add("key_id = $key");
            command.Parameters.AddWithValue("$key", key);
        }
        if (query.RuleId is { } rule)
        {
            // Rules are stored space-separated; pad both sides so a prefix of one id never matches another.
            where.Add("(' ' || rules || ' ') LIKE $rule ESCAPE '\\'");
            command.Parameters.AddWithValue("$rule", "% " + rule.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + " %");
        }
        command.CommandText = "SELECT request_id, time_ms, key_id, team, route, model, upstream, stream, status, latency_ms, prompt_tokens, completion_tokens, total_tokens, verdict, rules, error, excerpt FROM audit_records"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY time_ms DESC, id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 100_000));
        using var reader = command.ExecuteReader();
        var records = new List<AuditRecord>();
        while (reader.Read())
        {
            records.Add(new AuditRecord
            {
                RequestId = reader.GetString(0),
                Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                KeyId = Text(reader, 2),
                Team = Text(reader, 3),
                Route = reader.GetString(4),
                Model = Text(reader, 5),
                Upstream = Text(reader, 6),
                Stream = reader.GetInt64(7) != 0,
                Status = reader.GetInt32(8),
                LatencyMs = reader.GetDouble(9),
                PromptTokens = Number(reader, 10),
                CompletionTokens = Number(reader, 11),
                TotalTokens = Number(reader, 12),
                Verdict = reader.GetString(13),
                Rules = reader.GetString(14).Split(' ', StringSplitOptions.RemoveEmptyEntries),
                Error = Text(reader, 15),
                Excerpt = Text(reader, 16),
            });
        }
        return records;
    }

    private static string? Text(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static long? Number(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
}
