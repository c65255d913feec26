using System.Text.Json;
using Bulwark.Models;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Formats;

/// <summary>
/// A legacy Keras <c>.h5</c> model: an HDF5 file whose root attribute <c>model_config</c> is the model's JSON config
/// (the same Lambda and module checks as <see cref="KerasConfigFormat"/>). Read by <see cref="H5AttributeReader"/>, which
/// checks every declared size against the file before reading (general HDF5 readers allocate what a hostile file
/// declares); no dataset is ever read. An HDF5 file without <c>model_config</c> (weights only) holds no code.
/// </summary>
public sealed class KerasH5Format : IModelFormat
{

    public string Name => "keras-h5";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        // The superblock is at 0 or, after a user block, at 512, 1024, 2048, … (powers of two).
        for (long offset = 0; offset + ArchiveSupport.Hdf5Magic.Length <= head.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            if (head.Slice((int)offset, ArchiveSupport.Hdf5Magic.Length).SequenceEqual(ArchiveSupport.Hdf5Magic))
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
        scan.CancellationToken.ThrowIfCancellationRequested();
        return H5AttributeReader.ReadString(content, "model_config", KerasConfigFormat.MaxConfigBytes);
    }
}
