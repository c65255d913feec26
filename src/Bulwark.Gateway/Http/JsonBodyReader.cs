using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Reads a request body as a JSON object within the configured size limit, telling apart the ways it can be wrong:
/// too large (413), not UTF-8, not JSON, not an object (400). Each failure is a ready OpenAI-style error.
/// </summary>
public static class JsonBodyReader
{
    public sealed record Result(JsonObject? Body, int Status = 200, string? Code = null, string? Message = null)
    {
        public bool Ok => Body is not null;
    }

    public static async Task<Result> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, request.ContentLength + 1 ?? 64 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                var room = (int)Math.Min(buffer.Length, maxBytes + 1) - length; // pooled arrays may be larger than asked
                if (room == 0)
                {
                    if (length > maxBytes) return TooLarge(maxBytes);
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length, maxBytes + 1) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) return TooLarge(maxBytes);
            }
            var bytes = buffer.AsSpan(0, length);
            if (length == 0) return new Result(null, 400, "invalid_json", "The request body is empty; send a JSON object.");
            if (!Utf8.IsValid(bytes)) return new Result(null, 400, "invalid_encoding", "The request body is not valid UTF-8.");
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                // The parser's position helps the caller; its message never quotes the body.
                return new Result(null, 400, "invalid_json", $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
            }
            return node is JsonObject body ? new Result(body) : new Result(null, 400, "invalid_json", "The request body must be a JSON object.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes); // Kestrel counts chunked bytes as it parses them, ahead of our reads
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // limits.min-body-rate: a client trickling its body to hold a connection (slowloris on the body).
            return new Result(null, 408, "request_timeout", "The request body arrived too slowly (under limits.min-body-rate); the connection is closed.");
        }
        catch (BadHttpRequestException e)
        {
            return new Result(null, 400, "invalid_request_body", $"The request body could not be read: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Result TooLarge(long maxBytes) => new(null, 413, "request_too_large", $"The request body is over the gateway's {maxBytes:N0}-byte limit.");
}
