using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// Real PostgreSQL and Redis servers for the gateway's store tests, each in its own temporary folder on a free loopback
/// port, started from the Debian packages' binaries (scripts/test.sh installs them). Tests stop and restart them
/// mid-run to check how the gateway rides out an outage; a restarted server keeps its port and its data.
/// </summary>
public static class LocalServers
{
    public static string? PostgresBin { get; } = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
        : null;

    public static string? RedisServerPath { get; } = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Null when both servers can run here; otherwise why the tests that need them are skipped.</summary>
    public static string? Missing =>
        PostgresBin is null ? "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): scripts/test.sh installs the Debian package 'postgresql'"
        : RedisServerPath is null ? "redis-server is not installed: scripts/test.sh installs the Debian package 'redis-server'"
        : null;

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    internal static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in a minute");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>
/// A PostgreSQL cluster of its own (initdb, trust authentication on loopback only). PostgreSQL refuses to run as root,
/// so under root the server runs as the packages' <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bulwark-pg-" + Guid.NewGuid().ToString("N")[..12]);

    private PostgresServer(int port) => Port = port;

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>An Npgsql connection string to the cluster's <c>postgres</c> database as the superuser <c>bulwark</c>.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) => $"Host=127.0.0.1;Port={Port};Username=bulwark;Database={database};Pooling=true;Timeout=5";

    public static async Task<PostgresServer> StartAsync()
    {
        if (LocalServers.Missing is { } missing) throw new InvalidOperationException(missing);
        var server = new PostgresServer(LocalServers.FreePort());
        Directory.CreateDirectory(server._directory);
        if (IsRoot) LocalServers.Run("chown", "postgres", server._directory);
        server.Check(AsServerUser("initdb", "-D", server.DataDirectory, "-A", "trust", "-U", "bulwark", "--no-sync", "-E", "UTF8"), "initdb");
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Creates a database (each test class takes its own, so they do not see each other's rows).</summary>
    public string CreateDatabase(string name)
    {
        Check(LocalServers.Run(Path.Combine(LocalServers.PostgresBin!, "createdb"), "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "bulwark", name), "createdb");
        return ConnectionStringFor(name);
    }

    public async Task StartAgainAsync()
    {
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c max_connections=200";
        Check(AsServerUser("pg_ctl", "-D", DataDirectory, "-o", options, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"), "pg_ctl start");
        await LocalServers.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the server at once (<c>-m immediate</c>: no checkpoint, open connections cut), like a crash.</summary>
    public void Stop() => Check(AsServerUser("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop"), "pg_ctl stop");

    public ValueTask DisposeAsync()
    {
        try { AsServerUser("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop"); } catch (Exception e) when (e is IOException or TimeoutException) { }
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static (int, string) AsServerUser(string tool, params string[] args)
    {
        var path = Path.Combine(LocalServers.PostgresBin!, tool);
        return IsRoot ? LocalServers.Run("runuser", ["-u", "postgres", "--", path, .. args]) : LocalServers.Run(path, args);
    }

    private void Check((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0)
        {
            var log = Path.Combine(_directory, "server.log");
            throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.Output}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
        }
    }
}

/// <summary>A redis-server of its own: no persistence, loopback only, stopped with a kill like a crash.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    public static async Task<RedisServer> StartAsync()
    {
        if (LocalServers.Missing is { } missing) throw new InvalidOperationException(missing);
        var server = new RedisServer(LocalServers.FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(LocalServers.RedisServerPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]) start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await LocalServers.WaitForPortAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the server (its data is gone, as after a crash without persistence).</summary>
    public void Stop()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A fact that needs the local PostgreSQL and Redis binaries; skipped with the reason where they are absent.</summary>
public sealed class StoreFactAttribute : FactAttribute
{
    public StoreFactAttribute()
    {
        if (LocalServers.Missing is { } missing) Skip = missing;
    }
}

/// <summary>
/// One PostgreSQL server for a whole test class (xunit makes a class instance per test, so a server started in the
/// class itself would be started once per test); each test takes a database of its own on it.
/// </summary>
public sealed class SharedPostgres : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (LocalServers.Missing is null) Server = await PostgresServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        if (Server is not null) await Server.DisposeAsync();
    }
}
