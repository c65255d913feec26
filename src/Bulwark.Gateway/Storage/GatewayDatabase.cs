using System.Globalization;
using Bulwark.Kernel;
using Microsoft.Data.Sqlite;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The gateway's SQLite file (keys and audit). Opened in WAL mode so the gateway writes audit records while
/// <c>bulwark keys</c> and <c>bulwark audit query</c> read and write beside it. The schema is the embedded
/// <c>Storage/Migrations/NNNN_*.sql</c> files, applied in order; <c>PRAGMA user_version</c> records the last one.
/// </summary>
public sealed class GatewayDatabase
{
    private readonly string _connectionString;
    private int _accessGeneration;

    private GatewayDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 10 }.ToString();
    }

    public string Path { get; }

    /// <summary>Bumped by every key or team change made through this process: cached keys older than it are stale.</summary>
    public int AccessGeneration => Volatile.Read(ref _accessGeneration);

    /// <summary>Runs a key or team write and marks every cached key stale (keys carry their team's row); the rows changed.</summary>
    public int ExecuteAccessChange(SqliteCommand command)
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

    /// <summary>Opens (creating if needed) and migrates the database at <paramref name="path"/>.</summary>
    public static GatewayDatabase Open(string path)
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            var database = new GatewayDatabase(path);
            database.Migrate();
            return database;
        }
        catch (SqliteException e)
        {
            throw new BulwarkInputException($"cannot open gateway database '{path}': {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot open gateway database '{path}': {e.Message}", e);
        }
    }

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        // NORMAL is durable in WAL mode except for the last transactions on power loss: right for audit volume.
        pragma.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The migrations shipped in this assembly, by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations()
    {
        var assembly = typeof(GatewayDatabase).Assembly;
        const string prefix = "Bulwark.Gateway.Migrations.";
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
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Migrate()
    {
        using var connection = Connect();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL";
            wal.ExecuteNonQuery();
        }
        foreach (var (version, name, sql) in Migrations())
        {
            // One immediate transaction per migration: a failed one leaves the previous version intact, and a second
            // process starting at the same time waits, then sees the new version and skips it.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version";
            if (Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) >= version) continue;
            command.Transaction = transaction;
            command.CommandText = sql + $"\nPRAGMA user_version = {version};";
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new BulwarkInputException($"gateway database '{Path}': migration {name} failed: {e.Message}", e);
            }
            transaction.Commit();
        }
    }
}
