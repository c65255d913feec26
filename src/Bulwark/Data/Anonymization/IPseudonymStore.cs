namespace Bulwark.Data.Anonymization;

/// <summary>
/// Where a <see cref="PseudonymVault"/> keeps its placeholders when they must outlive one process (a gateway's shared
/// store): the same value gets the same placeholder in the store's scope, and any holder of the store restores it.
/// Synchronous, as the anonymiser is.
/// </summary>
public interface IPseudonymStore
{
    /// <summary>The scope's placeholder for the value, minted when new; null when the store cannot answer now and the vault should number it locally.</summary>
    string? PlaceholderFor(string entityType, string value);

    /// <summary>The original behind a placeholder of this scope; false when unknown (or the store cannot answer now).</summary>
    bool TryGetOriginal(string placeholder, out string original);
}
