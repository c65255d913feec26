using Bulwark.Models;
using System.Text;
using System.Text.RegularExpressions;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Frameworks;

/// <summary>
/// PyTorch zip checkpoints (<c>torch.save</c> since 1.6: <c>archive/data.pkl</c>, <c>archive/version</c>,
/// <c>archive/data/0..N</c>) and TorchScript archives (<c>torch.jit.save</c>: also <c>code/**</c>, <c>constants.pkl</c>).
/// Every <c>.pkl</c> member is walked as a pickle; tensor storages cost one 64-byte peek each and are otherwise never read;
/// TorchScript code members are reported (the code runs on <c>torch.jit.load</c>).
/// </summary>
public sealed class PyTorchZipFormat : IModelFormat
{
    public string Name => "pytorch-zip";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        if (!head.StartsWith("PK\x03\x04"u8)) return false;
        return ZipReader.LocalNamesInHead(head.ToArray()).Any(TorchLayout.IsTorchName);
    }

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => ZipInspector.Inspect(content, member, scan));
}

/// <summary>Which members of a zip are PyTorch's: the pickles, the tensor storages, the TorchScript code.</summary>
internal sealed class TorchLayout
{
    private readonly HashSet<string> _prefixes;

    private TorchLayout(HashSet<string> prefixes, bool torchScript)
    {
        _prefixes = prefixes;
        IsTorchScript = torchScript;
    }

    public bool IsTorch => _prefixes.Count > 0;

    public bool IsTorchScript { get; }

    public static TorchLayout Detect(IEnumerable<string> names)
    {
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var torchScript = false;
        foreach (var name in names)
        {
            var prefix = RecordPrefix(name);
            if (prefix is not null) prefixes.Add(prefix);
            if (IsCodeName(name)) torchScript = true;
        }
        return new TorchLayout(prefixes, torchScript && prefixes.Count > 0);
    }

    /// <summary>The record prefix (<c>archive/</c>, <c>model/</c>, or empty) of a member that marks a PyTorch archive.</summary>
    private static string? RecordPrefix(string name)
    {
        foreach (var marker in (string[])["data.pkl", "constants.pkl", "version", ".data/version", "byteorder"])
        {
            if (!name.EndsWith(marker, StringComparison.Ordinal)) continue;
            var prefix = name[..^marker.Length];
            if (prefix.Length == 0 || (prefix.EndsWith('/') && prefix.IndexOf('/') == prefix.Length - 1)) return prefix;
        }
        return null;
    }

    public static bool IsTorchName(string name) => (RecordPrefix(name) is not null && !name.EndsWith("byteorder", StringComparison.Ordinal)) || IsCodeName(name);

    private static bool IsCodeName(string name) =>
        (name.StartsWith("code/", StringComparison.Ordinal) || name.Contains("/code/", StringComparison.Ordinal))
        && !name.EndsWith(".debug_pkl", StringComparison.Ordinal) && !name.EndsWith(".pkl", StringComparison.Ordinal) && !name.EndsWith('/');

    /// <summary>A tensor storage: <c>{prefix}data/N</c>.</summary>
    public bool IsStorage(string name)
    {
        foreach (var prefix in _prefixes)
        {
            if ((name.StartsWith(prefix + "data/", StringComparison.Ordinal) || name.StartsWith(prefix + ".data/", StringComparison.Ordinal))
                && !name.EndsWith("version", StringComparison.Ordinal) && !name.EndsWith(".pkl", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public static bool IsCode(string name) => IsCodeName(name);
}

/// <summary>Collects TorchScript code members and the dangerous-looking calls in them; reports once per archive.</summary>
internal sealed partial class TorchScriptCodeCollector
{
    private const int MaxCodeBytes = 1 << 20;
    private const int MaxEvidence = 8;
    private readonly List<string> _members = [];
    private readonly List<string> _calls = [];

    [GeneratedRegex(@"\b(torch\.ops\.[A-Za-z_][\w.]*|torch\.classes\.[A-Za-z_][\w.]*|os\.[A-Za-z_]\w*|subprocess\.[A-Za-z_]\w*|builtins\.[A-Za-z_]\w*|sys\.[A-Za-z_]\w*|__import__|eval|exec|compile|open|getattr|torch\.load|torch\.hub\.[A-Za-z_]\w*)\s*\(", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DangerousCall();

    public void Add(string member, Stream content)
    {
        _members.Add(member);
        if (_calls.Count >= MaxEvidence) return;
        var buffer = new byte[(int)Math.Min(MaxCodeBytes, Math.Max(0, content.Length))];
        var n = ArchiveSupport.ReadAtMost(content, buffer);
        var text = Encoding.UTF8.GetString(buffer, 0, n);
        try
        {
            foreach (Match match in DangerousCall().Matches(text))
            {
                var call = match.Groups[1].Value;
                if (!_calls.Contains(call)) _calls.Add(call);
                if (_calls.Count >= MaxEvidence) break;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Evidence is best effort; the code member is reported regardless.
        }
    }

    public void Report(ModelScan scan)
    {
        if (_members.Count == 0) return;
        scan.Report(new ModelIssue(ModelRuleIds.TorchScriptCode, ModelVerdict.Suspicious, _members[0],
            $"TorchScript archive: {_members.Count} code member(s) run on torch.jit.load" + (_calls.Count > 0 ? ", including dangerous-looking calls." : "."),
            string.Join(", ", _calls)));
    }
}
