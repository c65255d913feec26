using System.Net.Http.Json;

namespace Bulwark.Gateway.Tests;

/// <summary>Every API answer carries x-request-id, the id of its audit record; ids never repeat.</summary>
public sealed class RequestIdTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Each_answer_names_its_audit_record_and_ids_are_unique()
    {
        var ids = new List<string>();
        foreach (var prompt in (string[])["hello", "hello again"])
        {
            var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat(prompt));
            ids.Add(Assert.Single(response.Headers.GetValues("x-request-id")));
        }
        var refused = await gateway.Client("sk-bulwark-not-a-key").PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hi"));
        ids.Add(Assert.Single(refused.Headers.GetValues("x-request-id")));

        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^req_[0-9a-f]{32}$", id));
        var audited = (await gateway.AuditAsync()).Select(r => r.RequestId).ToHashSet();
        Assert.All(ids, id => Assert.Contains(id, audited));
    }
}
