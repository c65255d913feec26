using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.GatewayLoad;

/// <summary>
/// The one request every target gets: a benign, realistic ~1 KB user prompt (a support engineer asking for a summary of a
/// ticket, 1,024 characters)
/// under a short system message. Only the model name differs per target, since each routes its own name.
/// </summary>
public static class ChatPrompt
{
    public const string SystemMessage = "You are a concise assistant for an internal support team. Answer in plain English.";

    public static readonly string User = OneParagraph("""
        Please summarise the following support ticket for the weekly report, in three short bullet points, and suggest
        one next step. The customer runs our inventory service on two application servers behind a load balancer. Since
        the upgrade last Tuesday, the nightly stock reconciliation job takes about forty minutes instead of the usual
        twelve, and on two nights it overlapped with the morning order import, which then slowed down the web shop for
        roughly a quarter of an hour. The customer has already checked the database server: processor and disk load look
        normal, but the job log shows many more round trips to the pricing service than before. They suspect that the new
        release no longer caches price lists between batches. They would like to know whether a configuration setting
        restores the previous behaviour, or whether a patch is planned soon, and how long a rollback to the previous release
        would take if needed. They are available for a call on Thursday or Friday morning and would prefer a short written plan first.
        """);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The request body for <paramref name="model"/>, as UTF-8 bytes built once and reused for every request.</summary>
    public static byte[] Body(string model, bool stream, int modelMilliseconds = 0)
    {
        // The mock's generation-time marker rides in the system message, which no input guard reads: the user prompt
        // stays the same 1,024 characters in every phase.
        var system = modelMilliseconds > 0 ? $"{SystemMessage} [model-ms:{modelMilliseconds}]" : SystemMessage;
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = system },
                new JsonObject { ["role"] = "user", ["content"] = User }),
        };
        if (stream) body["stream"] = true;
        return Encoding.UTF8.GetBytes(body.ToJsonString(Relaxed));
    }

    /// <summary>Joins the raw string's lines into one paragraph (1,024 characters, all ASCII: 1 KB).</summary>
    private static string OneParagraph(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
