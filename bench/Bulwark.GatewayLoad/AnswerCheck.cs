using System.Text;

namespace Bulwark.GatewayLoad;

/// <summary>
/// Whether a 200 answer is the model's echo rather than something else with a 200 status (a guard's error event in
/// a stream, a gateway's own page). Byte searches only, so checking costs the client next to nothing.
/// </summary>
public static class AnswerCheck
{
    private static readonly byte[] Echo = Encoding.UTF8.GetBytes("You said: ");
    private static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]");
    private static readonly byte[] ErrorEvent = Encoding.UTF8.GetBytes("\"error\"");

    public static bool IsAnswer(ReadOnlySpan<byte> body, bool stream) => stream
        ? body.TrimEnd("\r\n "u8).EndsWith(Done) && body.IndexOf(ErrorEvent) < 0
        : body.IndexOf(Echo) >= 0;
}
