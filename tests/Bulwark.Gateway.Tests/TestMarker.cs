namespace Bulwark.Gateway.Tests;

/// <summary>A unique word a test puts in its prompt to find its own request upstream and in the audit.</summary>
internal static class TestMarker
{
    /// <summary>Starts with letters: a marker that began with digits would join a card number written just before it
    /// into one longer digit run, which no card rule matches (a test failed at random that way).</summary>
    public static string New() => "mk" + Guid.NewGuid().ToString("N")[..8];
}
