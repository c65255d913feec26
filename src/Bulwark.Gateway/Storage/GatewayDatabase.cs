using System.Data.Common;
using System.Globalization;
using Bulwark.Kernel;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The gateway's database (keys, teams, token usage and audit): a SQLite file, or a PostgreSQL server shared by several
/// gateways. Both are reached through ADO.NET (<see cref="Connect"/>) with one SQL text per query: every parameter is
/// <c>@name</c> (both engines accept it) and the SQL is standard. The schema is the embedded
/// <c>Storage/Migrations/{sqlite,postgres}/NNNN_*.sql</c> files, the same versions for both engines, applied in order.
/// SQLite records the last one in <c>PRAGMA user_version</c> and runs in WAL mode so the CLI reads and writes beside the
/// gateway; PostgreSQL records them in <c>bulwark_schema_version</c>.
/// </summary>
public sealed class GatewayDatabase : IDisposable
{
    /// <summary>Any fixed number: the transaction-scoped advisory lock that lets one gateway at a time migrate.</summary>
    private const long MigrationLock = 0x42_75_6C_77_61_72_6B; // "Bulwark"

    private readonly string? _sqliteConnectionString;
    private readonly NpgsqlDataSource? _postgres;
    private int _accessGeneration;

    private GatewayDatabase(DatabaseLocation location)
    {
        Location = location;
        if (location.Kind == DatabaseKind.Sqlite)
            _sqliteConnectionString = new SqliteConnectionStringBuilder { DataSource = location.Target, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 10 }.ToString();
        else
            _postgres = NpgsqlDataSource.Create(location.Target);
    }

    public DatabaseLocation Location { get; }

    public DatabaseKind Kind => Location.Kind;

    /// <summary>Bumped by every key or team change made through this process: cached keys older than it are stale.</summary>
    public int AccessGeneration => Volatile.Read(ref _accessGeneration);

    /// <summary>Runs a key or team write and marks every cached key stale (keys carry their team's row); the rows changed.</summary>
    public int ExecuteAccessChange(DbCommand command)
    {
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            Interlocked.Increment(ref _accessGeneration);
        }
    }

    /// <summary>Opens (creating a SQLite file if needed) and migrates the SQLite database at <paramref name="path"/>.</summary>
    public static GatewayDatabase Open(string path) => Open(DatabaseLocation.Sqlite(path));

    /// <summary>Opens and migrates the database at <paramref name="location"/>.</summary>
    public static GatewayDatabase Open(DatabaseLocation location)
    {
        GatewayDatabase? database = null;
        try
        {
            if (location.Kind == DatabaseKind.Sqlite && System.IO.Path.GetDirectoryName(location.Target) is { } directory) Directory.CreateDirectory(directory);
            database = new GatewayDatabase(location);
            database.Migrate();
            return database;
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            database?.Dispose();
            // The location's ToString hides the password; Npgsql's messages do not quote it.
            throw new BulwarkInputException($"database: cannot open gateway database '{location}': {e.Message}", e);
        }
    }

    /// <summary>An open connection (from the pool). A store outage surfaces here or on the command as a <see cref="DbException"/>.</summary>
    public DbConnection Connect() => Connect(durable: false);

    /// <summary>
    /// An open connection; <paramref name="durable"/> makes SQLite commits reach the disk before they return
    /// (<c>synchronous = FULL</c>, for strict audit). PostgreSQL commits are durable by default (<c>synchronous_commit</c>).
    /// </summary>
    public DbConnection Connect(bool durable)
    {
        if (_postgres is not null) return _postgres.OpenConnection();
        var connection = new SqliteConnection(_sqliteConnectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // NORMAL in WAL mode: a commit survives a process kill (the OS has the WAL pages) but not a power loss.
        pragma.CommandText = $"PRAGMA synchronous = {(durable ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Drops pooled connections after an outage, so the next command opens a fresh one instead of a dead socket.</summary>
    public void ClearPool()
    {
        if (_postgres is not null) _postgres.Clear();
    }

    /// <summary>The migrations shipped in this assembly for <paramref name="kind"/>, by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations(DatabaseKind kind = DatabaseKind.Sqlite)
    {
        var assembly = typeof(GatewayDatabase).Assembly;
        var prefix = "Bulwark.Gateway.Migrations." + (kind == DatabaseKind.Sqlite ? "sqlite." : "postgres.");
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }

    public int SchemaVersion()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = Kind == DatabaseKind.Sqlite ? "PRAGMA user_version" : "SELECT COALESCE(MAX(version), 0) FROM bulwark_schema_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void Dispose() => _postgres?.Dispose();

    private void Migrate()
    {
        if (Kind == DatabaseKind.Sqlite) MigrateSqlite();
        else MigratePostgres();
    }

    private void MigrateSqlite()
    {
        using var connection = (SqliteConnection)Connect();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            wal.ExecuteNonQuery();
        }
        foreach (var (version, name, sql) in Migrations(DatabaseKind.Sqlite))
        {
            // One immediate transaction per migration: a failed one leaves the previous version intact, and a second
            // process starting at the same time waits, then sees the new version and skips it.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version";
            if (Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) >= version) continue;
            command.CommandText = sql + $"\nPRAGMA user_version = {version};";
            Apply(command, name);
            transaction.Commit();
        }
    }

    /// <summary>
    /// All pending migrations in one transaction (PostgreSQL's DDL is transactional) under an advisory lock: a second
    /// gateway starting at the same moment waits for the lock, then finds the versions applied and skips them.
    /// </summary>
    private void MigratePostgres()
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({MigrationLock});
            CREATE TABLE IF NOT EXISTS bulwark_schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL);
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM bulwark_schema_version";
        var current = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        foreach (var (version, name, sql) in Migrations(DatabaseKind.Postgres).Where(m => m.Version > current))
        {
            command.Parameters.Clear();
            command.CommandText = sql;
            Apply(command, name);
            command.CommandText = "INSERT INTO bulwark_schema_version (version, name, applied_ms) VALUES (@version, @name, @now)";
            command.AddParameter("@version", (long)version);
            command.AddParameter("@name", name);
            command.AddParameter("@now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private void Apply(DbCommand command, string name)
    {
        try
        {
            command.ExecuteNonQuery();
        }
        catch (DbException e)
        {
            throw new BulwarkInputException($"gateway database '{Location}': migration {name} failed: {e.Message}", e);
        }
    }
}
