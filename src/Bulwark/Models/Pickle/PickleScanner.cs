namespace Bulwark.Models.Pickle;

/// <summary>
/// Walks every pickle of a stream with <see cref="PickleMachine"/> and reports what loading it would import and
/// call: dangerous globals (malicious), unknown globals (suspicious), imports hidden from static analysis (malicious),
/// nested loads (malicious; a constant payload is scanned too), and parse errors (an error, or malicious after a
/// dangerous global). Several pickles may follow one another; trailing bytes that are not a pickle end the walk.
/// </summary>
public static class PickleScanner
{
    public static void Scan(Stream content, string member, ModelScan scan) => Scan(content, member, scan, GlobalPolicy.Default);

    public static void Scan(Stream content, string member, ModelScan scan, GlobalPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(scan);
        var input = new PickleInput(content);
        var reporter = new Reporter(member, scan);
        var machine = new PickleMachine(input, policy, reporter, scan.Limits.MaxPickleOps, scan.CancellationToken);
        for (var index = 0; ; index++)
        {
            try
            {
                machine.RunOne();
            }
            catch (PickleFormatException e)
            {
                // After a complete pickle, bytes that neither import nor call anything are trailing data (PyTorch's
                // legacy format puts raw storages there), not a broken pickle.
                if (index > 0 && !machine.HadEffects && !e.IsLimit) return;
                var where = At(member, input.Offset);
                if (e.IsLimit)
                {
                    scan.Report(new ModelIssue(ModelRuleIds.PickleLimit, ModelVerdict.Error, where, $"pickle analysis stopped: {e.Message}", e.Message));
                }
                else if (reporter.Dangerous is { } dangerous)
                {
                    scan.Report(new ModelIssue(ModelRuleIds.PickleParseError, ModelVerdict.Malicious, where,
                        $"pickle is malformed after importing {dangerous} (a loader runs the import before it fails): {e.Message}", e.Message));
                }
                else
                {
                    scan.Report(new ModelIssue(ModelRuleIds.PickleParseError, ModelVerdict.Error, where, $"pickle cannot be parsed: {e.Message}", e.Message));
                }
                return;
            }
            if (input.PeekByte() < 0) return;
        }
    }

    internal static string At(string member, long offset) => member + "@" + offset.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Reporter(string member, ModelScan scan) : IPickleEvents
    {
        private readonly HashSet<(string Rule, string Evidence)> _reported = [];

        /// <summary>The first dangerous import seen, for parse errors that follow it.</summary>
        public string? Dangerous { get; private set; }

        public void Import(PickleGlobal global, string opcode)
        {
            var evidence = global.FullName;
            switch (global.Judged)
            {
                case GlobalClass.Denied:
                    Dangerous ??= evidence;
                    Report(ModelRuleIds.PickleDangerousGlobal, ModelVerdict.Malicious, global.Offset, $"{opcode} imports {evidence}, which runs code, spawns processes or touches files or the network on load", evidence);
                    break;
                case GlobalClass.NestedLoad:
                    Dangerous ??= evidence;
                    Report(ModelRuleIds.PickleNestedLoad, ModelVerdict.Malicious, global.Offset, $"{opcode} imports {evidence}, which deserialises another payload", evidence);
                    break;
                case GlobalClass.Unknown:
                    Report(ModelRuleIds.PickleUnknownGlobal, ModelVerdict.Suspicious, global.Offset, $"{opcode} imports {evidence}, which is not on the allow-list", evidence);
                    break;
                case GlobalClass.Allowed:
                default:
                    break;
            }
        }

        public void Unresolved(string description, long offset)
        {
            Dangerous ??= description;
            Report(ModelRuleIds.PickleUnresolvedImport, ModelVerdict.Malicious, offset, $"{description}: an import whose module or name is not a constant string hides what it loads", description);
        }

        public void Extension(long code, long offset) =>
            Report(ModelRuleIds.PickleUnknownGlobal, ModelVerdict.Suspicious, offset, $"EXT opcode imports extension code {code} from the copyreg registry, which static analysis cannot resolve", $"copyreg.extension[{code}]");

        public void Build(PickleGlobal target, long offset)
        {
            Dangerous ??= target.FullName;
            Report(ModelRuleIds.PickleAttributeOverwrite, ModelVerdict.Malicious, offset, $"BUILD sets attributes on the imported {target.FullName} itself (monkey-patching on load)", target.FullName);
        }

        public void Call(PickleGlobal callee, IReadOnlyList<PickleValue> arguments, long offset)
        {
            if (callee.Judged != GlobalClass.NestedLoad) return;
            var payload = arguments.OfType<PickleBytes>().FirstOrDefault();
            if (payload?.Data is not { } data) return;
            var nestedMember = At(member, offset) + "/" + callee.Name;
            if (scan.Depth + 1 > scan.Limits.MaxDepth)
            {
                Report(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, offset, $"nested payload of {callee.FullName} is deeper than {scan.Limits.MaxDepth} levels; not scanned", callee.FullName);
                return;
            }
            using var stream = new MemoryStream(data, writable: false);
            if (data.Length >= 4 && data[0] == 'P' && data[1] == 'K') scan.Nested(stream, nestedMember);
            else Scan(stream, nestedMember, new DeeperScan(scan));
        }

        private void Report(string rule, ModelVerdict verdict, long offset, string message, string evidence)
        {
            if (_reported.Add((rule, evidence))) scan.Report(new ModelIssue(rule, verdict, At(member, offset), message, evidence));
        }
    }

    /// <summary>The same scan one level deeper, so payloads within payloads stop at <see cref="ModelScanLimits.MaxDepth"/>.</summary>
    private sealed class DeeperScan(ModelScan outer) : ModelScan
    {
        public override ModelScanLimits Limits => outer.Limits;

        public override CancellationToken CancellationToken => outer.CancellationToken;

        public override int Depth => outer.Depth + 1;

        public override void Report(ModelIssue issue) => outer.Report(issue);

        public override void Nested(Stream content, string member) => outer.Nested(content, member);

        public override void Pickle(Stream content, string member) => PickleScanner.Scan(content, member, this);
    }
}
