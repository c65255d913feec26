using Bulwark.Models;
using SharpCompress.Archives;
using SharpCompress.Archives.SevenZip;
using SharpCompress.Readers;

namespace Bulwark.Models.Archives;

/// <summary>
/// 7z archives (SharpCompress). Each member is decompressed lazily and bounded (the ratio is taken against the whole
/// archive's size: solid blocks have no per-member compressed size) and handed to <see cref="ModelScan.Nested"/>. A
/// member that fails to decompress part-way — the nullifAI trick of a deliberately broken payload, or a wrong CRC —
/// still has everything before the failure scanned, and the failure is reported as <c>BW-MODEL-ARCHIVE-CORRUPT</c>.
/// </summary>
public sealed class SevenZipFormat : IModelFormat
{
    public string Name => "7z";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) =>
        head.StartsWith((ReadOnlySpan<byte>)[(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C]);

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => InspectArchive(content, member, scan));

    private static void InspectArchive(Stream content, string member, ModelScan scan)
    {
        if (ArchiveSupport.TooDeep(scan, member)) return;
        IArchive archive;
        List<IArchiveEntry> entries;
        try
        {
            content.Position = 0;
            archive = SevenZipArchive.OpenArchive(content, new ReaderOptions { LeaveStreamOpen = true });
            entries = [.. archive.Entries.Take(scan.Limits.MaxEntries + 1)];
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // an unreadable 7z header is a finding, not a crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, member,
                $"The 7z archive could not be opened: {e.GetType().Name}: {e.Message}"));
            return;
        }
        using (archive)
        {
            if (entries.Count > scan.Limits.MaxEntries)
            {
                scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member,
                    $"The 7z archive has more than {scan.Limits.MaxEntries} members; the rest were not scanned.", "MaxEntries"));
                entries.RemoveAt(entries.Count - 1);
            }
            var budget = new ArchiveBudget(scan, member);
            var archiveBytes = content.Length;
            foreach (var entry in entries)
            {
                scan.CancellationToken.ThrowIfCancellationRequested();
                if (budget.Exhausted) break;
                if (entry.IsDirectory) continue;
                var path = ArchiveSupport.Join(member, entry.Key ?? "content");
                if (entry.IsEncrypted)
                {
                    scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, path,
                        "The member is encrypted: its content cannot be analysed.", "encrypted"));
                    continue;
                }
                Stream raw;
                try
                {
                    raw = entry.OpenEntryStream();
                }
                catch (OperationCanceledException)
                {
                    throw;
                }
#pragma warning disable CA1031 // a member that cannot be opened is reported; the others are still scanned
                catch (Exception e)
#pragma warning restore CA1031
                {
                    scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, path,
                        $"The member could not be decompressed: {e.GetType().Name}: {e.Message}"));
                    continue;
                }
                using var inner = new LazyMemberStream(raw, () => archiveBytes, entry.Size >= 0 ? entry.Size : -1, scan, path, budget);
                scan.Nested(inner, path);
            }
        }
    }
}
