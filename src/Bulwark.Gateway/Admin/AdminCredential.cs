using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// The admin API's credential (<c>admin.credential</c>), kept as a SHA-256 only. Presented credentials are hashed and
/// compared in constant time; hashing first makes the comparison independent of both lengths too.
/// </summary>
public sealed class AdminCredential(string credential)
{
    private readonly byte[] _hash = Hash(credential);

    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(Hash(presented), _hash);

    public override string ToString() => "admin credential (not shown)";

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
