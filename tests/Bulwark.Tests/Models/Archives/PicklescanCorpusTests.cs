using Bulwark.Eval;
using Bulwark.Models;

namespace Bulwark.Tests.Models.Archives;

/// <summary>
/// The container files of the picklescan corpus (../shared). Nothing here is ever unpickled: the checks are that each
/// file's pickles reach the pickle walker and that the structural tricks are reported.
/// </summary>
public class PicklescanCorpusTests
{
    private static RecordingScan? ScanShared(string relative)
    {
        var shared = RepositoryPaths.Shared;
        if (shared is null) return null;
        var path = Path.Combine(shared, "datasets", "picklescan_model_files", relative);
        if (!File.Exists(path)) return null;
        var scan = new RecordingScan();
        using var file = File.OpenRead(path);
        scan.Scan(file, Path.GetFileName(path));
        return scan;
    }

    [SharedDataFact]
    public void Malicious_zips_surface_their_pickle_whatever_the_trick()
    {
        foreach (var name in new[] { "malicious1.zip", "malicious1_0x1.zip", "malicious1_0x20.zip", "malicious1_0x40.zip",
                     "malicious1_central_directory.zip", "malicious1_wrong_ext.zip", "malicious1.7z" })
        {
            var scan = ScanShared("files/data/" + name) ?? throw new InvalidOperationException(name + " missing");
            Assert.True(scan.PickleCalls.Count > 0, name + ": " + string.Join(", ", scan.Issues));
            Assert.True(scan.PickleContains("eval"), name);
        }
        var crc = ScanShared("files/data2/malicious1_crc.zip")!;
        Assert.True(crc.PickleContains("eval"));
        Assert.True(crc.Has("BW-MODEL-ARCHIVE-EVASION", ModelVerdict.Malicious));
        foreach (var name in new[] { "malicious1_0x1.zip", "malicious1_central_directory.zip" })
        {
            Assert.True(ScanShared("files/data/" + name)!.Has("BW-MODEL-ARCHIVE-EVASION", ModelVerdict.Malicious), name);
        }
    }

    [SharedDataFact]
    public void A_password_protected_zip_is_an_error_not_malicious()
    {
        var scan = ScanShared("files/data/benign_password_protected.zip")!;
        Assert.Contains(scan.Issues, i => i.Verdict == ModelVerdict.Error);
        Assert.DoesNotContain(scan.Issues, i => i.Verdict == ModelVerdict.Malicious);
    }

    [SharedDataFact]
    public void PyTorch_and_numpy_files_are_recognised_by_content()
    {
        var zip = ScanShared("files/data/new_pytorch_model.bin")!;
        Assert.Contains("new_pytorch_model.bin=pytorch-zip", zip.Dispatched);
        Assert.Contains(zip.PickleCalls, p => p.Member.EndsWith("data.pkl", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Issues, i => i.Verdict >= ModelVerdict.Error);

        Assert.Contains("pytorch_model.bin=pytorch-legacy", ScanShared("files/data/pytorch_model.bin")!.Dispatched);

        var exfil = ScanShared("files/data2/dns_exfiltration.npy")!;
        Assert.True(exfil.Has("BW-MODEL-NUMPY-OBJECT-ARRAY"));
        Assert.True(exfil.PickleContains("get_server_certificate"));
        Assert.Empty(ScanShared("files/data2/int_array.npy")!.Issues);
        foreach (var npz in new[] { "object_arrays.npz", "object_arrays_compressed.npz" })
        {
            var scan = ScanShared("files/data2/" + npz)!;
            Assert.Equal(2, scan.PickleCalls.Count);
            Assert.Equal(2, scan.Issues.Count(i => i.RuleId == "BW-MODEL-NUMPY-OBJECT-ARRAY"));
            Assert.DoesNotContain(scan.Issues, i => i.Verdict >= ModelVerdict.Error && i.RuleId != "BW-MODEL-NUMPY-OBJECT-ARRAY");
        }
        foreach (var npz in new[] { "int_arrays.npz", "int_arrays_compressed.npz" })
        {
            var scan = ScanShared("files/data2/" + npz)!;
            Assert.Empty(scan.PickleCalls);
            Assert.Empty(scan.Issues);
        }
    }
}
