using System.Diagnostics;

namespace Bulwark.GatewayLoad;

/// <summary>Processor time (user + system, all threads) of another process, read from /proc through <see cref="Process"/>.</summary>
public static class ProcessorTime
{
    public static TimeSpan? Of(int? pid)
    {
        if (pid is not { } id) return null;
        try
        {
            using var process = Process.GetProcessById(id);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null; // the process is gone: the run reports errors for that target anyway
        }
    }

    /// <summary>The sum over several processes (a target of several instances); null when any is unknown.</summary>
    public static TimeSpan? OfAll(IReadOnlyList<int> pids)
    {
        if (pids.Count == 0) return null;
        var total = TimeSpan.Zero;
        foreach (var pid in pids)
        {
            if (Of(pid) is not { } time) return null;
            total += time;
        }
        return total;
    }

    public static TimeSpan OfThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
