using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// How the gateway writes JSON it forwards. Not the default HTML-safe escaping: that would turn a placeholder's
/// angle brackets into <c>\u003C</c> upstream, where the model could no longer repeat it as written. These bodies
/// are API payloads, never embedded in HTML.
/// </summary>
internal static class GatewayJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Bytes(System.Text.Json.Nodes.JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);
}
