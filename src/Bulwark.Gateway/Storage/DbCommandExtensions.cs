using System.Data.Common;

namespace Bulwark.Gateway.Storage;

/// <summary>Engine-neutral parameters and column reads, so one SQL text and one reader serve SQLite and PostgreSQL.</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds <c>@name</c>; null is SQL NULL. The value's .NET type picks the column type on both engines.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    // SQLite hands back 64-bit integers, PostgreSQL the column's own width: convert rather than cast. Number: 64-bit; Whole: 32-bit.
    public static long Number(this DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    public static int Whole(this DbDataReader reader, int i) => Convert.ToInt32(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    public static long? NullableNumber(this DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.Number(i);

    public static int? NullableWhole(this DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.Whole(i);

    public static string? NullableString(this DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
