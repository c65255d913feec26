using System.Text;
using Bulwark.Models;
using Bulwark.Models.Pickle;

namespace Bulwark.Tests.Models;

public class PickleScannerTests
{
    internal static ModelFileResult Scan(byte[] bytes, ModelScanLimits? limits = null) =>
        new ModelScanner(limits).ScanStream(new MemoryStream(bytes), "test.pkl");

    private static void AssertFinding(ModelFileResult result, string rule, string evidence, ModelVerdict verdict = ModelVerdict.Malicious)
    {
        Assert.True(result.Issues.Any(i => i.RuleId == rule && i.Evidence == evidence && i.Verdict == verdict),
            $"expected {rule} {evidence}, got: {string.Join("; ", result.Issues.Select(i => $"{i.RuleId} {i.Evidence} {i.Verdict}"))}");
    }

    // ------------------------------------------------------------------ bypasses (each a regression test) ----

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("nt", "system")]
    [InlineData("pip", "main")]
    [InlineData("pip._internal.cli.main", "main")]
    [InlineData("subprocess", "Popen")]
    [InlineData("subprocess", "check_output")]
    [InlineData("torch._dynamo.guards", "GuardBuilder.get")]
    [InlineData("torch._inductor.codecache", "compile_file")]
    [InlineData("numpy.testing._private.utils", "runstring")]
    [InlineData("builtins", "getattr")]
    [InlineData("__builtin__", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "__import__")]
    [InlineData("operator", "attrgetter")]
    [InlineData("_operator", "methodcaller")]
    [InlineData("functools", "partial")]
    [InlineData("importlib", "import_module")]
    [InlineData("code", "InteractiveInterpreter.runcode")]
    [InlineData("pty", "spawn")]
    [InlineData("runpy", "_run_code")]
    [InlineData("webbrowser", "open")]
    [InlineData("shutil", "rmtree")]
    [InlineData("asyncio.unix_events", "_UnixSubprocessTransport._start")]
    [InlineData("ctypes", "CDLL")]
    [InlineData("types", "CodeType")]
    [InlineData("types", "FunctionType")]
    [InlineData("marshal", "loads")]
    [InlineData("cloudpickle.cloudpickle", "_make_function")]
    [InlineData("torch.hub", "load")]
    [InlineData("torch.jit", "load")]
    [InlineData("torch.jit.unsupported_tensor_ops", "execWrapper")]
    [InlineData("torch", "serialization.load")] // protocol-4 dotted name: the module form's twin
    [InlineData("sys", "modules")]
    [InlineData("bdb", "Bdb.run")]
    [InlineData("pydoc", "locate")]
    [InlineData("venv", "create")]
    [InlineData("socket", "create_connection")]
    [InlineData("requests.api", "get")]
    [InlineData("urllib.request", "urlopen")]
    [InlineData("pkgutil", "resolve_name")]
    [InlineData("_io", "FileIO")]
    [InlineData("logging", "FileHandler")]
    [InlineData("timeit", "timeit")]
    [InlineData("cProfile", "run")]
    [InlineData("idlelib.pyshell", "ModifiedInterpreter.runcode")]
    public void Denied_globals_are_malicious_in_every_import_form(string module, string name)
    {
        var expected = $"{module}.{name}";
        foreach (var pickle in new[] { PickleWriter.Call(module, name, "id"), PickleWriter.Call(module, name, "id", protocol: 2), PickleWriter.TextCall(module, name, "id") })
        {
            var result = Scan(pickle);
            Assert.Equal("pickle", result.Format);
            Assert.Equal(ModelVerdict.Malicious, result.Verdict);
            Assert.Contains(result.Issues, i => i.Evidence == expected && i.RuleId is ModelRuleIds.PickleDangerousGlobal or ModelRuleIds.PickleNestedLoad);
        }
    }

    [Theory]
    [InlineData("pickle", "loads")]
    [InlineData("_pickle", "loads")]
    [InlineData("cPickle", "loads")]
    [InlineData("torch", "load")]
    [InlineData("torch.serialization", "load")]
    [InlineData("dill", "loads")]
    public void Nested_loaders_are_malicious(string module, string name)
    {
        var result = Scan(PickleWriter.Call(module, name, "x"));
        Assert.Equal(ModelVerdict.Malicious, result.Verdict);
        Assert.Contains(result.Issues, i => i.RuleId is ModelRuleIds.PickleNestedLoad or ModelRuleIds.PickleDangerousGlobal && i.Evidence == $"{module}.{name}");
    }

    [Fact]
    public void A_nested_pickle_payload_is_scanned_too()
    {
        var inner = PickleWriter.Call("os", "system", "id");
        var outer = new PickleWriter().Proto(4).StackGlobal("_pickle", "loads").Bytes(inner).Tuple1().Reduce().Stop().ToArray();
        var result = Scan(outer);
        AssertFinding(result, ModelRuleIds.PickleNestedLoad, "_pickle.loads");
        var nested = Assert.Single(result.Issues, i => i.Evidence == "os.system");
        Assert.Contains("/loads@", nested.Member, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protocol_0_nested_payload_through_codecs_encode_is_scanned()
    {
        var inner = Encoding.Latin1.GetString(PickleWriter.TextCall("subprocess", "getoutput", "id"));
        var outer = new PickleWriter().Global("pickle", "loads").Mark()
            .Global("_codecs", "encode").Mark().TextUnicode(inner.Replace("\n", "\\u000a", StringComparison.Ordinal)).TextString("latin1").Tuple().Reduce()
            .Tuple().Reduce().Stop().ToArray();
        var result = Scan(outer);
        AssertFinding(result, ModelRuleIds.PickleNestedLoad, "pickle.loads");
        AssertFinding(result, ModelRuleIds.PickleDangerousGlobal, "subprocess.getoutput");
    }

    [Fact]
    public void Nested_payloads_stop_at_the_depth_limit()
    {
        var payload = PickleWriter.Call("os", "system", "id");
        for (var i = 0; i < 10; i++) payload = new PickleWriter().Proto(4).StackGlobal("pickle", "loads").Bytes(payload).Tuple1().Reduce().Stop().ToArray();
        var result = Scan(payload);
        Assert.Equal(ModelVerdict.Malicious, result.Verdict);
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.ArchiveLimit);
    }

    [Fact]
    public void Getattr_chains_are_malicious()
    {
        // getattr(__import__('os'), 'system')('id')
        var pickle = new PickleWriter().Proto(2)
            .Global("builtins", "getattr").Global("builtins", "__import__").Unicode("os").Tuple1().Reduce().Unicode("system").Tuple2().Reduce()
            .Unicode("id").Tuple1().Reduce().Stop().ToArray();
        var result = Scan(pickle);
        AssertFinding(result, ModelRuleIds.PickleDangerousGlobal, "builtins.getattr");
        AssertFinding(result, ModelRuleIds.PickleDangerousGlobal, "builtins.__import__");
    }

    [Fact]
    public void NullifAI_a_dangerous_global_then_garbage_is_malicious_twice()
    {
        var pickle = new PickleWriter().Proto(2).Global("builtins", "exec").Unicode("import os").Tuple1().Reduce().Raw(0xff, 0xfe, 0x00).ToArray();
        var result = Scan(pickle);
        AssertFinding(result, ModelRuleIds.PickleDangerousGlobal, "builtins.exec");
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.PickleParseError && i.Verdict == ModelVerdict.Malicious);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void A_parse_error_before_any_global_is_an_error_only()
    {
        // The PROTO header and a valid first opcode make it a pickle; the bad opcode after it makes it a broken one.
        // Loading stops at the bad opcode, so the import behind it never runs: an error, not malicious.
        var pickle = new PickleWriter().Proto(2).None().Raw(0xff).Global("os", "system").Stop().ToArray();
        var result = Scan(pickle);
        Assert.Equal(ModelVerdict.Error, result.Verdict);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(ModelRuleIds.PickleParseError, issue.RuleId);
    }

    [Fact]
    public void Globals_before_a_parse_error_are_still_reported()
    {
        var pickle = new PickleWriter().Proto(2).Global("sklearn.svm", "SVC").EmptyTuple().Reduce().Raw(0xff).ToArray();
        var result = Scan(pickle);
        AssertFinding(result, ModelRuleIds.PickleUnknownGlobal, "sklearn.svm.SVC", ModelVerdict.Suspicious);
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.PickleParseError && i.Verdict == ModelVerdict.Error);
        Assert.Equal(ModelVerdict.Suspicious, result.Verdict);
    }

    // ------------------------------------------------------------------ symbolic resolution ----

    [Fact]
    public void STACK_GLOBAL_operands_from_the_memo_are_resolved()
    {
        var pickle = new PickleWriter().Proto(4).Frame(40)
            .Unicode("os").Memoize().Pop()
            .Unicode("system").Put(7).Pop()
            .Unicode("decoy").LongPut(300).Pop()
            .Get(0).Get(7).StackGlobal().Memoize()
            .Unicode("id").Tuple1().Reduce().Stop().ToArray();
        AssertFinding(Scan(pickle), ModelRuleIds.PickleDangerousGlobal, "os.system");
    }

    [Fact]
    public void Text_memo_and_long_memo_slots_are_resolved()
    {
        var pickle = new PickleWriter().Proto(2)
            .BinUnicode("subprocess").TextPut(12).Pop()
            .BinUnicode8("run").LongPut(70000).Pop()
            .TextGet(12).LongGet(70000).StackGlobal().EmptyTuple().Reduce().Stop().ToArray();
        AssertFinding(Scan(pickle), ModelRuleIds.PickleDangerousGlobal, "subprocess.run");
    }

    [Fact]
    public void STACK_GLOBAL_with_a_computed_module_is_an_unresolved_import()
    {
        // module = str('o' 's') computed by a call: no legitimate pickler writes that.
        var pickle = new PickleWriter().Proto(4)
            .StackGlobal("builtins", "str").Unicode("os").Tuple1().Reduce()
            .Unicode("system").StackGlobal().Unicode("id").Tuple1().Reduce().Stop().ToArray();
        var result = Scan(pickle);
        Assert.Equal(ModelVerdict.Malicious, result.Verdict);
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.PickleUnresolvedImport);
    }

    [Fact]
    public void STACK_GLOBAL_with_an_integer_module_is_an_unresolved_import()
    {
        var pickle = new PickleWriter().Proto(4).Int(1).Unicode("system").StackGlobal().Stop().ToArray();
        Assert.Contains(Scan(pickle).Issues, i => i.RuleId == ModelRuleIds.PickleUnresolvedImport && i.Verdict == ModelVerdict.Malicious);
    }

    [Fact]
    public void A_missing_memo_slot_after_a_dangerous_global_is_malicious()
    {
        var pickle = new PickleWriter().Proto(4).StackGlobal("os", "system").Pop().Get(3).Get(4).StackGlobal().Stop().ToArray();
        var result = Scan(pickle);
        AssertFinding(result, ModelRuleIds.PickleDangerousGlobal, "os.system");
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.PickleParseError && i.Verdict == ModelVerdict.Malicious);
    }

    [Fact]
    public void INST_and_OBJ_forms_are_caught()
    {
        var inst = new PickleWriter().Mark().TextString("id").Inst("os", "system").Stop().ToArray();
        AssertFinding(Scan(inst), ModelRuleIds.PickleDangerousGlobal, "os.system");
        var obj = new PickleWriter().Proto(1).Mark().Global("subprocess", "Popen").ShortBinString("id").Obj().Stop().ToArray();
        AssertFinding(Scan(obj), ModelRuleIds.PickleDangerousGlobal, "subprocess.Popen");
        var newobj = new PickleWriter().Proto(2).Global("webbrowser", "open").Unicode("http://x").Tuple1().NewObj().Stop().ToArray();
        AssertFinding(Scan(newobj), ModelRuleIds.PickleDangerousGlobal, "webbrowser.open");
        var newobjEx = new PickleWriter().Proto(4).StackGlobal("runpy", "run_path").Unicode("x").Tuple1().EmptyDict().NewObjEx().Stop().ToArray();
        AssertFinding(Scan(newobjEx), ModelRuleIds.PickleDangerousGlobal, "runpy.run_path");
    }

    [Fact]
    public void Protocol_0_text_forms_are_decoded()
    {
        var pickle = Encoding.ASCII.GetBytes("c__builtin__\neval\n(S'print(\\'456\\')'\ntR.");
        AssertFinding(Scan(pickle), ModelRuleIds.PickleDangerousGlobal, "__builtin__.eval");
        var unicodeModule = Encoding.ASCII.GetBytes("(Vos\nVsystem\n\x93.");
        // Protocol-0 UNICODE strings feed a STACK_GLOBAL just as well.
        Assert.Equal(ModelVerdict.Malicious, Scan([0x80, 0x04, .. Encoding.ASCII.GetBytes("Vos\nVsystem\n"), 0x93, (byte)'.']).Verdict);
        Assert.NotEmpty(unicodeModule);
    }

    [Fact]
    public void Build_on_an_imported_global_is_an_attribute_overwrite()
    {
        var pickle = new PickleWriter().Proto(2).Global("torch", "load").Pop()
            .Global("torch.nn.modules.module", "Module").None().EmptyDict().Unicode("__setstate__").None().SetItem().Tuple2().Build().Stop().ToArray();
        AssertFinding(Scan(pickle), ModelRuleIds.PickleAttributeOverwrite, "torch.nn.modules.module.Module");
    }

    [Fact]
    public void Extension_codes_are_suspicious()
    {
        foreach (var pickle in new[]
        {
            new PickleWriter().Proto(2).Ext1(5).Stop().ToArray(),
            new PickleWriter().Proto(2).Ext2(500).Stop().ToArray(),
            new PickleWriter().Proto(2).Ext4(70000).Stop().ToArray(),
        })
        {
            var result = Scan(pickle);
            Assert.Equal(ModelVerdict.Suspicious, result.Verdict);
            Assert.Contains(result.Issues, i => i.Evidence.StartsWith("copyreg.extension[", StringComparison.Ordinal));
        }
    }

    // ------------------------------------------------------------------ several pickles, trailing bytes ----

    [Fact]
    public void Every_pickle_of_a_stream_is_walked()
    {
        var benign = new PickleWriter().Proto(2).EmptyList().Mark().Unicode("a").Unicode("b").Appends().Stop().ToArray();
        var evil = PickleWriter.Call("requests.api", "get", "https://x");
        var result = Scan([.. benign, .. benign, .. evil]);
        var issue = Assert.Single(result.Issues);
        Assert.Equal("requests.api.get", issue.Evidence);
        Assert.StartsWith("@" + (2 * benign.Length + 21), issue.Member, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_that_are_not_a_pickle_end_the_walk_cleanly()
    {
        var benign = new PickleWriter().Proto(2).EmptyDict().Stop().ToArray();
        var result = Scan([.. benign, 0x00, 0x13, 0xfe, (byte)'c', (byte)'x', 0x00, 0x01]);
        Assert.Equal(ModelVerdict.Clean, result.Verdict);
        Assert.Empty(result.Issues);
    }

    // ------------------------------------------------------------------ allow-list ----

    [Fact]
    public void An_unknown_global_is_suspicious()
    {
        var pickle = new PickleWriter().Proto(4).StackGlobal("sklearn.linear_model._base", "LinearRegression").EmptyTuple().NewObj().EmptyDict().Build().Stop().ToArray();
        var result = Scan(pickle);
        Assert.Equal(ModelVerdict.Suspicious, result.Verdict);
        AssertFinding(result, ModelRuleIds.PickleUnknownGlobal, "sklearn.linear_model._base.LinearRegression", ModelVerdict.Suspicious);
    }

    [Fact]
    public void An_allow_listed_torch_state_dict_is_clean()
    {
        // torch.save(model.state_dict()) (legacy data.pkl shape): OrderedDict of _rebuild_tensor_v2 over persistent storages.
        var pickle = new PickleWriter().Proto(2)
            .Global("collections", "OrderedDict").EmptyTuple().Reduce().Memoize()
            .Mark()
            .Unicode("fc.weight")
            .Global("torch._utils", "_rebuild_tensor_v2")
            .Mark()
            .Mark().Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(4).Tuple().BinPersId()
            .Int(0).Int(2).Int(2).Tuple2().Int(2).Int(1).Tuple2().False()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce()
            .Unicode("fc.bias")
            .Global("torch._utils", "_rebuild_parameter")
            .Global("torch._utils", "_rebuild_tensor_v2")
            .Mark()
            .Mark().Unicode("storage").Global("torch", "HalfStorage").Unicode("1").Unicode("cuda:0").Int(2).Tuple().BinPersId()
            .Int(0).Int(2).Tuple1().Int(1).Tuple1().False()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce().True().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple3().Reduce()
            .SetItems()
            .Global("numpy.core.multiarray", "_reconstruct").Global("numpy", "ndarray").Int(0).Tuple1().ShortBinString("b").Tuple3().Reduce().Pop()
            .Global("torch", "device").Unicode("cpu").Tuple1().Reduce().Pop()
            .Stop().ToArray();
        var result = Scan(pickle);
        Assert.Equal("pickle", result.Format);
        Assert.True(result.Issues.Count == 0, string.Join("; ", result.Issues.Select(i => $"{i.RuleId} {i.Evidence} {i.Message}")));
        Assert.Equal(ModelVerdict.Clean, result.Verdict);
    }

    [Fact]
    public void Every_opcode_of_the_table_is_walked()
    {
        var pickle = new PickleWriter().Proto(5).Frame(200)
            .Mark()
            .None().True().False().Int(7).Int(300).Int(-5).TextInt(1).TextInt(0).TextLong("123456789012345678901234567890")
            .Long1(0x01, 0x02).Long4(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).TextFloat("1.5").BinFloat(2.5)
            .TextString("it's").TextUnicode("caf\\u00e9").BinString("abc").ShortBinString("xyz").BinUnicode("long").BinUnicode8("eight").Unicode("é")
            .Bytes([1, 2, 3]).Bytes8([4, 5]).ByteArray8([6]).ReadonlyBuffer().NextBuffer().ReadonlyBuffer()
            .EmptySet().Mark().Int(1).Int(2).AddItems().Mark().Int(3).FrozenSet()
            .EmptyList().Int(1).Append().Mark().Int(2).List().EmptyDict().Unicode("k").Int(1).SetItem().Mark().Unicode("a").Int(1).Dict()
            .EmptyTuple().Int(1).Tuple1().Int(1).Int(2).Tuple2().Int(1).Int(2).Int(3).Tuple3()
            .PersId("storage-0").Dup().Pop()
            .Mark().Int(9).PopMark()
            .Tuple()
            .Global("collections", "OrderedDict").EmptyTuple().EmptyDict().NewObjEx().Memoize()
            .Stop().ToArray();
        var result = Scan(pickle);
        Assert.True(result.Issues.Count == 0, string.Join("; ", result.Issues.Select(i => $"{i.RuleId} {i.Message}")));
    }

    // ------------------------------------------------------------------ bounds ----

    [Fact]
    public void A_huge_declared_length_is_an_error_not_an_allocation()
    {
        foreach (var prefix in new byte[][] { [0x8d], [0x8e], [0x96], [0x95] })
        {
            var pickle = new PickleWriter().Proto(4).Raw(prefix).Raw(0, 0, 0, 0, 0, 0, 0, 0x40).Stop().ToArray();
            var result = Scan(pickle);
            Assert.Equal(ModelVerdict.Error, result.Verdict);
            Assert.Contains("past the end", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_op_limit_stops_the_walk_with_an_error()
    {
        var w = new PickleWriter().Proto(2).EmptyList();
        for (var i = 0; i < 100; i++) w.Int(i).Append();
        var result = Scan(w.Stop().ToArray(), ModelScanLimits.Default with { MaxPickleOps = 50 });
        Assert.Equal(ModelVerdict.Error, result.Verdict);
        Assert.Contains(result.Issues, i => i.RuleId == ModelRuleIds.PickleLimit);
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        var w = new PickleWriter().Proto(2).EmptyList();
        for (var i = 0; i < 5000; i++) w.Int(1).Append();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new ModelScanner().ScanStream(new MemoryStream(w.Stop().ToArray()), "x", cancelled.Token));
    }

    // ------------------------------------------------------------------ recognition ----

    [Theory]
    [InlineData("# Title\n\nSome prose. (c) 2024.\n")]
    [InlineData("{\"a\": 1, \"b\": [1, 2, 3]}\n")]
    [InlineData("id,name\n1,alice\n2,bob\n")]
    [InlineData("import os\nos.system('ls')\n")]
    [InlineData("cmake\nninja\n")]
    [InlineData("(default)\n")]
    [InlineData("N.")]
    [InlineData("Version 1\n.\n")]
    [InlineData("I1\nI2\nand more text that is not a pickle\n")]
    [InlineData("")]
    public void Text_files_are_not_pickles(string text)
    {
        var result = Scan(Encoding.UTF8.GetBytes(text));
        Assert.Equal(ModelFormats.Unknown, result.Format);
        Assert.Equal(ModelVerdict.Clean, result.Verdict);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Binary_headers_are_not_pickles()
    {
        Assert.Equal(ModelFormats.Unknown, Scan([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a]).Format);
        Assert.Equal(ModelFormats.Unknown, Scan([0x80, 0x09, 0x00, 0x00]).Format);
        Assert.Equal(ModelFormats.Unknown, Scan([0x80, 0x02, 0xff, 0xff, 0xff]).Format);
    }

    [Fact]
    public void Protocol_0_and_1_pickles_are_recognised()
    {
        Assert.Equal("pickle", Scan(Encoding.ASCII.GetBytes("(lp0\nS'a'\np1\naS'b'\np2\na.")).Format);
        Assert.Equal("pickle", Scan(new PickleWriter().EmptyDict().Unicode("k").Int(1).SetItem().Stop().ToArray()).Format);
    }

    // ------------------------------------------------------------------ policy ----

    [Theory]
    [InlineData("collections", "OrderedDict", GlobalClass.Allowed)]
    [InlineData("torch._utils", "_rebuild_tensor_v2", GlobalClass.Allowed)]
    [InlineData("torch", "FloatStorage", GlobalClass.Allowed)]
    [InlineData("numpy.core.multiarray", "_reconstruct", GlobalClass.Allowed)]
    [InlineData("numpy._core.multiarray", "_reconstruct", GlobalClass.Allowed)]
    [InlineData("__builtin__", "set", GlobalClass.Allowed)]
    [InlineData("_codecs", "encode", GlobalClass.Allowed)]
    [InlineData("posixpath", "join", GlobalClass.Unknown)]
    [InlineData("sklearn.tree._classes", "DecisionTreeClassifier", GlobalClass.Unknown)]
    [InlineData("__main__", "MyModel", GlobalClass.Unknown)]
    [InlineData("os", "path.join", GlobalClass.Denied)]
    [InlineData("torch.serialization", "load", GlobalClass.Denied)]
    [InlineData("builtins", "object.__getattribute__", GlobalClass.Denied)]
    [InlineData("builtins", "getattr", GlobalClass.Denied)]
    [InlineData("pickle", "loads", GlobalClass.NestedLoad)]
    [InlineData("_pickle", "Unpickler", GlobalClass.NestedLoad)]
    [InlineData("uuid", "_get_command_stdout", GlobalClass.Denied)]
    public void The_policy_classifies_globals(string module, string name, GlobalClass expected) =>
        Assert.Equal(expected, GlobalPolicy.Default.Classify(module, name));
}
