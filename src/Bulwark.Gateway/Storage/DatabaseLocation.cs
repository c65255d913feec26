using Npgsql;

namespace Bulwark.Gateway.Storage;

/// <summary>Which engine holds the gateway's keys, teams, token usage and audit.</summary>
public enum DatabaseKind
{
    /// <summary>A local file: one gateway process (and the CLI beside it).</summary>
    Sqlite,

    /// <summary>A shared server: several gateway processes on the same keys and audit.</summary>
    Postgres,
}

/// <summary>
/// The <c>database:</c> setting, read: a SQLite file path, or a PostgreSQL connection string (a <c>postgres://</c> or
/// <c>postgresql://</c> URI, or Npgsql's <c>Host=…;Database=…</c> form). <see cref="ToString"/> never shows a password,
/// so the location can go into errors and logs.
/// </summary>
public sealed record DatabaseLocation
{
    private DatabaseLocation(DatabaseKind kind, string target)
    {
        Kind = kind;
        Target = target;
    }

    public DatabaseKind Kind { get; }

    /// <summary>The file's full path (SQLite), or the Npgsql connection string (PostgreSQL, with any password: never print it).</summary>
    public string Target { get; }

    public static DatabaseLocation Sqlite(string path) => new(DatabaseKind.Sqlite, Path.GetFullPath(path));

    public static DatabaseLocation Postgres(string connectionString) => new(DatabaseKind.Postgres, connectionString);

    /// <summary>
    /// Reads a <c>database:</c> value; a relative SQLite path is taken from <paramref name="baseDirectory"/>. Throws
    /// <see cref="ArgumentException"/> with a message that quotes no password.
    /// </summary>
    public static DatabaseLocation Parse(string value, string baseDirectory)
    {
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return Postgres(FromUri(value));
        if (LooksLikeKeywords(value))
        {
            try
            {
                return Postgres(new NpgsqlConnectionStringBuilder(value).ConnectionString);
            }
            catch (ArgumentException)
            {
                throw new ArgumentException("not a valid PostgreSQL connection string (Host=…;Database=…;Username=…)");
            }
        }
        return Sqlite(Path.Combine(baseDirectory, value));
    }

    /// <summary>Npgsql keywords (<c>Host=db;Database=bulwark</c>): a file path has no <c>host=</c>/<c>server=</c> part.</summary>
    private static bool LooksLikeKeywords(string value) =>
        value.Contains('=', StringComparison.Ordinal)
        && value.Split(';').Any(part => part.Split('=')[0].Trim().ToLowerInvariant() is "host" or "server");

    private static string FromUri(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException("not a valid PostgreSQL URI (postgres://user:password@host:5432/database)");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0) builder.Port = uri.Port;
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var setting = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[name == "sslmode" ? "SSL Mode" : name] = setting;
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"unknown PostgreSQL URI parameter '{name}'");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>The file path, or the connection string without its password.</summary>
    public override string ToString()
    {
        if (Kind == DatabaseKind.Sqlite) return Target;
        var builder = new NpgsqlConnectionStringBuilder(Target);
        if (builder.Password is not null) builder.Password = "***";
        return "postgres: " + builder.ConnectionString;
    }
}
