using Bulwark.Data;
using Bulwark.Kernel.Guards;
using Bulwark.Usage;
using Bulwark.Usage.Guards;

namespace Bulwark.Tests.Usage;

public class StreamingOutputGuardTests
{
    private const string Canary = "CANARY-7f3a9c2e51d84b60";

    private static readonly GuardPipeline Pipeline = new(
    [
        new GuardStep(new DataLeakGuard(TestRules.Catalog().Rules), GuardAction.Redact),
        new GuardStep(new CanaryGuard(), GuardAction.Redact),
    ]);

    private static readonly GuardContext Context = new(Canaries: [Canary]);

    private static StreamingOutputGuard NewGuard(int holdBack) => new(Pipeline, Context, holdBack);

    private static string Expected(string text) => text
        .Replace(TestRules.Token, "[REDACTED:BW-DATA-SECRET-TESTTOKEN]", StringComparison.Ordinal)
        .Replace(Canary, "[REDACTED:BW-USAGE-OUTPUT-CANARY]", StringComparison.Ordinal);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_secret_or_canary_split_at_any_boundary_is_never_released(int seed)
    {
        var random = new Random(seed);
        string[] words = ["the", "answer", "is", "here", "and", "key", "token", "tk_live", "CANARY", "\n", ",", "value:"];
        var parts = Enumerable.Range(0, 30).Select(_ => words[random.Next(words.Length)]).ToList();
        parts.Insert(random.Next(parts.Count), TestRules.Token);
        parts.Insert(random.Next(parts.Count), Canary);
        var text = string.Join(' ', parts);

        // Two chunks, split at every position.
        for (var split = 0; split <= text.Length; split++)
        {
            var guard = NewGuard(64);
            var output = guard.Push(text[..split]) + guard.Push(text[split..]) + guard.Complete();
            Assert.Equal(Expected(text), output);
        }

        // Many chunks of random sizes, including single characters.
        for (var round = 0; round < 50; round++)
        {
            var guard = NewGuard(64);
            var output = new System.Text.StringBuilder();
            for (var i = 0; i < text.Length;)
            {
                var size = random.Next(1, 12);
                var chunk = text.Substring(i, Math.Min(size, text.Length - i));
                var released = guard.Push(chunk);
                Assert.DoesNotContain("tk_live_9fQ2", released, StringComparison.Ordinal);
                output.Append(released);
                i += chunk.Length;
            }
            output.Append(guard.Complete());
            Assert.Equal(Expected(text), output.ToString());
        }
    }

    [Fact]
    public void Text_without_findings_flows_with_a_bounded_delay()
    {
        var guard = NewGuard(100);
        var released = guard.Push(new string('a', 1000));
        Assert.Equal(900, released.Length);
        Assert.Equal(100, guard.Complete().Length);
        Assert.Empty(guard.Redacted);
    }

    [Fact]
    public void A_block_stops_the_stream_before_the_leak_is_released()
    {
        var pipeline = new GuardPipeline([new GuardStep(new CanaryGuard(), GuardAction.Block)]);
        var guard = new StreamingOutputGuard(pipeline, Context, holdBack: 64);
        var before = guard.Push(new string('a', 200) + " the reference is CANARY-7f3a");
        var after = guard.Push("9c2e51d84b60 and more text") + guard.Complete();
        Assert.Equal(new string('a', 165), before);
        Assert.Equal("", after);
        Assert.NotNull(guard.Blocked);
        Assert.Equal(CanaryGuard.RuleId, guard.Blocked!.Hits.Single().RuleId);
    }

    [Fact]
    public void One_character_chunks_run_the_guards_once_per_release_step_not_once_per_chunk()
    {
        var counter = new CountingGuard();
        var guard = new StreamingOutputGuard(new GuardPipeline([new GuardStep(counter)]), holdBack: 1024);
        var released = new System.Text.StringBuilder();
        foreach (var c in new string('a', 4096)) released.Append(guard.Push(c.ToString()));
        released.Append(guard.Complete());

        Assert.Equal(4096, released.Length);
        // (4096 - 1024) / 128 release steps, plus the final run: nowhere near one run per character.
        Assert.InRange(counter.Runs, 20, 30);
    }

    private sealed class CountingGuard : IGuard
    {
        public int Runs { get; private set; }

        public string Name => "counting";

        public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
        {
            Runs++;
            return [];
        }
    }
}
