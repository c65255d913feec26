using Bulwark.Models;
using System.Text;
using System.Text.RegularExpressions;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Frameworks;

/// <summary>
/// NumPy <c>.npy</c> arrays (<c>\x93NUMPY</c>, version, a Python-literal header dict). An object dtype (<c>'O'</c>)
/// means the data is a pickle (<c>np.load(allow_pickle=True)</c> unpickles it): it goes to <see cref="ModelScan.Pickle"/>
/// and is reported as <c>BW-MODEL-NUMPY-OBJECT-ARRAY</c>. Other dtypes are plain numbers: the data is never read.
/// <c>.npz</c> files are zips of <c>.npy</c> members, reached through <see cref="ZipFormat"/>.
/// </summary>
public sealed partial class NumpyFormat : IModelFormat
{
    private const int MaxHeaderBytes = 1 << 20;

    public string Name => "numpy";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) => head.StartsWith(ArchiveSupport.NumpyMagic);

    // A quoted dtype string whose kind is O: '|O', 'O', '<O8' — alone or as a field of a structured dtype.
    [GeneratedRegex(@"['""][|<>=]?O\d*['""]", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ObjectDtype();

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => InspectArray(content, member, scan));

    private static void InspectArray(Stream content, string member, ModelScan scan)
    {
        Span<byte> pre = stackalloc byte[12];
        var n = ArchiveSupport.ReadAt(content, 0, pre);
        if (n < 10)
        {
            Error(scan, member, "the file ends inside the NumPy preamble");
            return;
        }
        var major = pre[6];
        long headerLength;
        int headerStart;
        if (major == 1)
        {
            headerLength = ArchiveSupport.U16(pre, 8);
            headerStart = 10;
        }
        else if (major is 2 or 3 && n >= 12)
        {
            headerLength = ArchiveSupport.U32(pre, 8);
            headerStart = 12;
        }
        else
        {
            Error(scan, member, $"unknown NumPy format version {major}.{pre[7]}");
            return;
        }
        if (headerLength > MaxHeaderBytes || headerStart + headerLength > content.Length)
        {
            Error(scan, member, $"the NumPy header declares {headerLength} bytes, more than the file or the limit holds");
            return;
        }
        var header = new byte[headerLength];
        if (ArchiveSupport.ReadAt(content, headerStart, header) < header.Length)
        {
            Error(scan, member, "the file ends inside the NumPy header");
            return;
        }
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header);
        if (!text.Contains("descr", StringComparison.Ordinal))
        {
            Error(scan, member, "the NumPy header has no 'descr'");
            return;
        }
        bool isObject;
        try
        {
            isObject = ObjectDtype().IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            isObject = true;
        }
        if (!isObject) return;
        scan.Report(new ModelIssue(ModelRuleIds.NumpyObjectArray, ModelVerdict.Suspicious, member,
            "NumPy object array: its data is a pickle, unpickled by np.load(allow_pickle=True).", text.Trim()[..Math.Min(200, text.Trim().Length)]));
        content.Position = headerStart + headerLength;
        scan.Pickle(content, member);
    }

    private static void Error(ModelScan scan, string member, string why) =>
        scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"Malformed NumPy array: {why}."));
}
