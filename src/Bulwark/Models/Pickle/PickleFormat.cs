namespace Bulwark.Models.Pickle;

/// <summary>
/// A raw pickle stream (<c>.pkl</c>, <c>.pickle</c>, legacy <c>.pt</c>/<c>.bin</c>, joblib without compression),
/// recognised by content: a PROTO opcode (0x80, version 0–5) or a protocol 0/1 start, then a walk of the head that
/// must parse. The recogniser runs on every file <c>bulwark scan</c> meets, so it is cheap (the head only, no
/// reporting) and strict: text must parse as a pickle up to its STOP, for many opcodes, or up to a dangerous import.
/// </summary>
public sealed class PickleFormat : IModelFormat
{
    public static readonly PickleFormat Instance = new();

    public string Name => "pickle";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) => PickleProbe.LooksLikePickle(head, length, GlobalPolicy.Default);

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        scan.Pickle(content, member);
    }
}

internal static class PickleProbe
{
    // Opcodes a protocol 0/1 pickle starts with in practice: MARK, containers, GLOBAL, INST, scalars, strings.
    private const string TextStarts = "(]})cNIJKLMFGSTUVXip";

    // Every opcode of pickletools' table.
    private static readonly System.Buffers.SearchValues<byte> Opcodes = System.Buffers.SearchValues.Create(
        [.. "(.012FIJKLMNPQRSTUVXabcd}eghijl]opqrst)uGBC"u8, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98]);

    private const int TextOpsWithoutStop = 32;

    public static bool LooksLikePickle(ReadOnlySpan<byte> head, long length, GlobalPolicy policy)
    {
        if (head.Length < 2) return false;
        var binary = head[0] == 0x80;
        if (binary ? head[1] > PickleMachine.HighestProtocol : !TextStarts.Contains((char)head[0], StringComparison.Ordinal)) return false;
        // PROTO 0–5 and a valid opcode after it: a pickle, broken or not (a parse error is then reported).
        if (binary) return head.Length >= 3 && Opcodes.Contains(head[2]);

        using var stream = new MemoryStream(head.ToArray(), writable: false);
        var input = new PickleInput(stream, Math.Max(length, head.Length));
        var events = new ProbeEvents();
        var machine = new PickleMachine(input, policy, events, maxOps: 200_000, CancellationToken.None);
        try
        {
            machine.RunOne();
            return machine.OpsInPickle >= 3;
        }
        catch (PickleFormatException)
        {
            var headWasCut = input.HitEnd && head.Length < length;
            if (headWasCut && machine.OpsInPickle >= TextOpsWithoutStop) return true;
            // A broken text pickle that imports a dangerous global before it breaks is still one a loader would
            // start running (nullifAI).
            return events.Dangerous > 0;
        }
    }

    private sealed class ProbeEvents : IPickleEvents
    {
        public int Imports { get; private set; }
        public int Dangerous { get; private set; }

        public void Import(PickleGlobal global, string opcode)
        {
            Imports++;
            if (global.Judged is GlobalClass.Denied or GlobalClass.NestedLoad) Dangerous++;
        }

        public void Unresolved(string description, long offset)
        {
            Imports++;
            Dangerous++;
        }

        public void Extension(long code, long offset) => Imports++;

        public void Call(PickleGlobal callee, IReadOnlyList<PickleValue> arguments, long offset)
        {
        }

        public void Build(PickleGlobal target, long offset) => Dangerous++;
    }
}
