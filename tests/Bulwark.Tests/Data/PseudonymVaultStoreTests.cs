using Bulwark.Data.Anonymization;

namespace Bulwark.Tests.Data;

/// <summary>A vault backed by a shared store: the store's placeholders, restores through it, a local number when it cannot answer.</summary>
public class PseudonymVaultStoreTests
{
    [Fact]
    public void The_stores_placeholders_are_used_and_restored_by_another_vault_on_the_same_store()
    {
        var store = new DictionaryStore();
        var first = new PseudonymVault(store);
        Assert.Equal("<EMAIL_ADDRESS_1>", first.PlaceholderFor("EMAIL_ADDRESS", "a@example.com"));
        Assert.Equal("<EMAIL_ADDRESS_1>", first.PlaceholderFor("EMAIL_ADDRESS", "a@example.com"));
        Assert.Equal(1, store.Minted);

        var second = new PseudonymVault(store);
        Assert.True(second.TryGetOriginal("<EMAIL_ADDRESS_1>", out var original));
        Assert.Equal("a@example.com", original);
        Assert.Equal("<EMAIL_ADDRESS_2>", second.PlaceholderFor("EMAIL_ADDRESS", "b@example.com"));
        Assert.False(second.TryGetOriginal("<EMAIL_ADDRESS_9>", out _));
    }

    [Fact]
    public void When_the_store_cannot_answer_a_local_number_never_shadows_a_shared_placeholder()
    {
        var store = new DictionaryStore();
        var vault = new PseudonymVault(store);
        Assert.Equal("<EMAIL_ADDRESS_1>", vault.PlaceholderFor("EMAIL_ADDRESS", "a@example.com"));
        store.Down = true;
        var local = vault.PlaceholderFor("EMAIL_ADDRESS", "b@example.com");
        Assert.Equal("<EMAIL_ADDRESS_2>", local);
        Assert.True(vault.TryGetOriginal("<EMAIL_ADDRESS_1>", out var a));
        Assert.True(vault.TryGetOriginal(local, out var b));
        Assert.Equal(("a@example.com", "b@example.com"), (a, b));
    }

    private sealed class DictionaryStore : IPseudonymStore
    {
        private readonly Dictionary<(string, string), string> _placeholders = [];
        private readonly Dictionary<string, string> _originals = [];

        public bool Down { get; set; }

        public int Minted => _originals.Count;

        public string? PlaceholderFor(string entityType, string value)
        {
            if (Down) return null;
            if (_placeholders.TryGetValue((entityType, value), out var existing)) return existing;
            var placeholder = $"<{entityType}_{_originals.Keys.Count(k => k.StartsWith($"<{entityType}_", StringComparison.Ordinal)) + 1}>";
            _placeholders[(entityType, value)] = placeholder;
            _originals[placeholder] = value;
            return placeholder;
        }

        public bool TryGetOriginal(string placeholder, out string original)
        {
            original = "";
            return !Down && _originals.TryGetValue(placeholder, out original!);
        }
    }
}
