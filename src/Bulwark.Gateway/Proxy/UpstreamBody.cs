using System.Buffers;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Reads an upstream answer body under two bounds: a size limit, and an idle timeout that restarts with every read
/// (a stream may run long, but not stall).
/// </summary>
internal sealed class UpstreamBody(Stream stream, TimeSpan idleTimeout, CancellationToken requestAborted) : IDisposable
{
    private readonly CancellationTokenSource _idle = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

    public async ValueTask<int> ReadAsync(Memory<byte> buffer)
    {
        _idle.CancelAfter(idleTimeout);
        try
        {
            return await stream.ReadAsync(buffer, _idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            throw new UpstreamIdleTimeoutException(idleTimeout);
        }
    }

    /// <summary>The whole body, or null when it is over <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]?> ReadAllAsync(long maxBytes)
    {
        var output = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var read = await ReadAsync(output.GetMemory(16 * 1024)).ConfigureAwait(false);
            if (read == 0) return output.WrittenSpan.ToArray();
            output.Advance(read);
            if (output.WrittenCount > maxBytes) return null;
        }
    }

    public void Dispose() => _idle.Dispose();
}
