using Bulwark.Models;
using System.Text.Json;
using PureHDF;

namespace Bulwark.Models.Formats;

/// <summary>
/// A legacy Keras <c>.h5</c> model: an HDF5 file whose root attribute <c>model_config</c> is the model's JSON config
/// (the same Lambda and module checks as <see cref="KerasConfigFormat"/>). Read with PureHDF (a managed HDF5 reader);
/// only the root attributes are opened, never a dataset. An HDF5 file without <c>model_config</c> (weights only) holds
/// no code.
/// </summary>
public sealed class KerasH5Format : IModelFormat
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    public string Name => "keras-h5";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        // The superblock is at 0 or, after a user block, at 512, 1024, 2048, … (powers of two).
        for (long offset = 0; offset + Signature.Length <= head.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            if (head.Slice((int)offset, Signature.Length).SequenceEqual(Signature))
            {
                return true;
            }
        }

        return false;
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        string? config;
        try
        {
            config = ReadModelConfig(content, scan);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // A hostile HDF5 file can make the third-party reader throw anything: it is a format error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"HDF5 file could not be read: {e.GetType().Name}: {e.Message}"));
            return;
        }

        if (config is null)
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(config, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, ModelFormatRules.At(member, "model_config"),
                $"model_config is not valid JSON: {e.Message}"));
            return;
        }

        using (document)
        {
            KerasConfigCheck.Check(document.RootElement, ModelFormatRules.At(member, "model_config"), scan);
        }
    }

    private static string? ReadModelConfig(Stream content, ModelScan scan)
    {
        if (GlobalHeapProblem(content) is { } problem) throw new MalformedModelException(problem);
        content.Position = 0;
        using var file = H5File.Open(content, leaveOpen: true);
        scan.CancellationToken.ThrowIfCancellationRequested();
        if (!file.AttributeExists("model_config"))
        {
            return null;
        }

        var attribute = file.Attribute("model_config");
        // A config is one string: refuse a declared array of them or a fixed-length string over the limit.
        var dimensions = attribute.Space.Dimensions;
        ulong count = 1;
        foreach (var d in dimensions)
        {
            count *= d;
        }

        if (count != 1 || attribute.Type.Size > KerasConfigFormat.MaxConfigBytes)
        {
            throw new MalformedModelException($"model_config is {count} values of {attribute.Type.Size} bytes, not one string");
        }

        return attribute.Read<string>();
    }

    /// <summary>Bytes at the start of a file searched for global heap collections before PureHDF reads any.</summary>
    internal const int HeapCheckBytes = 16 << 20;

    /// <summary>
    /// PureHDF allocates a global heap object's declared size before reading it, so a mutated size in a few-KiB file
    /// can ask for gigabytes. Keras writes <c>model_config</c> (a variable-length string, kept in a global heap
    /// collection) at the start of the file: every collection ("GCOL") in the first <see cref="HeapCheckBytes"/> is
    /// checked to lie inside the file, and each of its objects inside it, before the reader is let near them.
    /// </summary>
    internal static string? GlobalHeapProblem(Stream content)
    {
        var head = new byte[(int)Math.Min(HeapCheckBytes, content.Length)];
        content.Position = 0;
        head = head[..content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        ReadOnlySpan<byte> signature = "GCOL"u8;
        for (var at = head.AsSpan().IndexOf(signature); at >= 0;)
        {
            // Signature, version 1, 3 reserved bytes, the collection's size (8-byte lengths, as h5py writes).
            if (at + 16 > head.Length) return null;
            var size = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan(at + 8));
            if (head[at + 4] == 1)
            {
                if (size < 16 || size > (ulong)(content.Length - at)) return $"a global heap collection at {at} declares {size:N0} bytes, past the end of the file";
                var end = at + (long)size;
                for (long cursor = at + 16; cursor + 16 <= Math.Min(end, head.Length);)
                {
                    var index = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan((int)cursor));
                    var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(head.AsSpan((int)cursor + 8));
                    if (index == 0) break; // the free space that ends the collection
                    if (length > (ulong)(end - cursor - 16)) return $"a global heap object at {cursor} declares {length:N0} bytes, past its collection";
                    cursor += 16 + (long)((length + 7) & ~7UL);
                }
            }
            var next = head.AsSpan(at + 4).IndexOf(signature);
            at = next < 0 ? -1 : at + 4 + next;
        }
        return null;
    }
}
