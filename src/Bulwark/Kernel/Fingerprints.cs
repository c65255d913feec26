using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Kernel;

/// <summary>
/// Stable identities for findings. A fingerprint hashes the rule, the file path relative to the scan root and
/// the matched value, so it survives edits that move lines, and a baseline never stores the value itself.
/// </summary>
public static class Fingerprints
{
    public static string Of(string ruleId, string relativePath, string value) =>
        Hash($"v1\0{ruleId}\0{relativePath.Replace('\\', '/')}\0{value}");

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
