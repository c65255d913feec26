using Bulwark.Data.Anonymization;
using Bulwark.Kernel.Guards;
using Bulwark.Usage;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// One choice of a streamed answer on its way to the client: content deltas pass the output guards with a bounded
/// hold-back (<see cref="StreamingOutputGuard"/>), then get their placeholders restored; tool-call argument
/// fragments get their placeholders restored. Nothing is released that the guards have not seen.
/// </summary>
internal sealed class ChoiceRelay(GuardPipeline output, GuardContext context, Anonymizer? pseudonymizer, int holdBack)
{
    private readonly StreamingOutputGuard _guard = new(output, context, holdBack);
    private readonly PlaceholderRestorer _content = new(pseudonymizer);
    private readonly SortedDictionary<int, PlaceholderRestorer> _arguments = [];
    private int _reportedRedactions;

    public bool Finished { get; private set; }

    public Verdict? Blocked => _guard.Blocked;

    public string PushContent(string text)
    {
        var safe = _guard.Push(text);
        return Blocked is null ? _content.Push(safe) : "";
    }

    public string PushArguments(int toolCall, string fragment)
    {
        if (!_arguments.TryGetValue(toolCall, out var restorer)) _arguments[toolCall] = restorer = new PlaceholderRestorer(pseudonymizer, jsonString: true);
        return restorer.Push(fragment);
    }

    /// <summary>The choice ended: the held-back content (guarded) and each tool call's held-back argument text.</summary>
    public (string Content, IReadOnlyList<(int ToolCall, string Arguments)> Arguments) Finish()
    {
        Finished = true;
        var rest = _guard.Complete();
        if (Blocked is not null) return ("", []);
        var content = _content.Push(rest) + _content.Complete();
        var arguments = _arguments.Select(a => (a.Key, a.Value.Complete())).Where(a => a.Item2.Length > 0).ToList();
        return (content, arguments);
    }

    /// <summary>Redaction hits not reported yet (for the audit record).</summary>
    public IEnumerable<GuardHit> NewRedactions()
    {
        var all = _guard.Redacted;
        for (; _reportedRedactions < all.Count; _reportedRedactions++) yield return all[_reportedRedactions];
    }
}
