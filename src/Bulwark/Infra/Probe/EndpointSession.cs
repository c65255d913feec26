namespace Bulwark.Infra.Probe;

/// <summary>
/// The conversation with one endpoint: answers cached per request (fingerprints share paths), and the give-up rule.
/// An endpoint that fails its first request is not HTTP, or not there, and gets no second one; one that answered
/// before is given up after <see cref="ProbeOptions.MaxFailuresPerEndpoint"/> failures, so a server that trickles
/// bytes costs a few timeouts, not one per fingerprint.
/// </summary>
internal sealed class EndpointSession(BoundedHttpClient client, ProbeTarget target, int maxFailures)
{
    private readonly Dictionary<ProbeRequest, ProbeResponse?> _answers = [];
    private int _failures;

    /// <summary>At least one request got an HTTP answer.</summary>
    public bool Answered { get; private set; }

    /// <summary>No more requests will be sent.</summary>
    public bool GivenUp { get; private set; }

    /// <summary>Why the first request failed, when it did.</summary>
    public FetchFailure FirstFailure { get; private set; }

    public int Requests { get; private set; }

    /// <summary>The first answer, for describing an HTTP server no fingerprint matched.</summary>
    public (ProbeRequest Request, ProbeResponse Response)? FirstAnswer { get; private set; }

    /// <summary>The answer to <paramref name="request"/>, or null when it failed or the endpoint was given up.</summary>
    public async Task<ProbeResponse?> SendAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        if (_answers.TryGetValue(request, out var cached)) return cached;
        if (GivenUp) return null;
        Requests++;
        var result = await client.SendAsync(target.BaseUri, request, cancellationToken).ConfigureAwait(false);
        _answers[request] = result.Response;
        if (result.Response is { } response)
        {
            FirstAnswer ??= (request, response);
            Answered = true;
            return response;
        }
        if (!Answered)
        {
            FirstFailure = result.Failure;
            GivenUp = true;
        }
        else if (++_failures >= maxFailures)
        {
            GivenUp = true;
        }
        return null;
    }
}
