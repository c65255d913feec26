namespace Bulwark.Kernel;

/// <summary>
/// Bad input from the user: a missing path, a broken rule pack, an unreadable baseline. Hosts turn it into a
/// one-line message and exit code 2, never a stack trace.
/// </summary>
public sealed class BulwarkInputException : Exception
{
    public BulwarkInputException(string message) : base(message) { }

    public BulwarkInputException(string message, Exception inner) : base(message, inner) { }

    public BulwarkInputException() { }
}
