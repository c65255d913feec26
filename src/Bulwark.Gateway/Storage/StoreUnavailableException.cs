namespace Bulwark.Gateway.Storage;

/// <summary>
/// A shared store the request needs is unreachable and <c>stores.on-failure</c> is closed: the request is refused
/// with 503 <c>store_unavailable</c> rather than served unaudited or unchecked. The message names the store, never
/// a connection string.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string store)
        : base($"{store} is unavailable")
    {
    }

    public StoreUnavailableException(string store, Exception inner)
        : base($"{store} is unavailable", inner)
    {
    }
}
