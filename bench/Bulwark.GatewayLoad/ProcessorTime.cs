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

    public static TimeSpan OfThisProcess()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
