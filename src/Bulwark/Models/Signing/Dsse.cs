using System.Text;

namespace Bulwark.Models.Signing;

/// <summary>
/// Dead Simple Signing Envelope v1 (github.com/secure-systems-lab/dsse, protocol.md): the signature covers the
/// pre-authentication encoding of the payload type and the payload, never the base64 or the JSON around them.
/// </summary>
public static class Dsse
{
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>
    /// <c>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, lengths in bytes as ASCII
    /// decimal without leading zeros, the type UTF-8.
    /// </summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        var header = Encoding.ASCII.GetBytes(FormattableString.Invariant($"DSSEv1 {type.Length} ") );
        var middle = Encoding.ASCII.GetBytes(FormattableString.Invariant($" {payload.Length} "));
        var result = new byte[header.Length + type.Length + middle.Length + payload.Length];
        header.CopyTo(result, 0);
        type.CopyTo(result, header.Length);
        middle.CopyTo(result, header.Length + type.Length);
        payload.CopyTo(result.AsSpan(header.Length + type.Length + middle.Length));
        return result;
    }
}
