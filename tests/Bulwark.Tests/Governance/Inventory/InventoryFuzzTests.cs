using System.Text;
using Bulwark.Governance.Inventory;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Inventory;

/// <summary>Random bytes, truncations and byte flips of a valid inventory: the reader answers or throws BulwarkInputException, nothing else.</summary>
public class InventoryFuzzTests
{
    private static readonly string Valid = File.ReadAllText(Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "insecure-genai-app", AiInventoryReader.FileName));

    [Fact]
    public void Random_bytes_never_throw_anything_but_an_input_error()
    {
        var random = new Random(20261124);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            Check(Encoding.UTF8.GetString(bytes));
        }
    }

    [Fact]
    public void Truncated_and_mutated_inventories_never_throw_anything_but_an_input_error()
    {
        for (var length = 0; length <= Valid.Length; length += 3) Check(Valid[..length]);
        var random = new Random(7);
        const string alphabet = ":-[]{}\"'#&*!|>%@`\n \t,?";
        for (var i = 0; i < 1500; i++)
        {
            var chars = Valid.ToCharArray();
            for (var flips = random.Next(1, 6); flips > 0; flips--) chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            Check(new string(chars));
        }
    }

    private static void Check(string yaml)
    {
        try
        {
            AiInventoryReader.Read(yaml, "fuzz.yaml");
        }
        catch (BulwarkInputException e)
        {
            Assert.StartsWith("fuzz.yaml", e.Message, StringComparison.Ordinal);
        }
    }
}
