namespace Bulwark.Infra.Probe;

/// <summary>
/// Fingerprints AI services on live endpoints (<c>bulwark infra probe</c>, docs/infra-probe.md): for each host:port it
/// sends the catalog's identification requests in order, takes the first service that matches, reads its version,
/// and runs its access checks to tell an open service from one that demands authentication. Only reads; every
/// request is bounded in time and size. Probe only hosts you are authorised to test.
/// </summary>
public sealed class AiServiceProbe : IDisposable
{
    private static readonly string[] LoginWords = ["login", "signin", "sign_in", "sign-in", "auth", "sso", "dex"];
    private readonly ProbeOptions _options;
    private readonly BoundedHttpClient _client;

    public AiServiceProbe(ProbeOptions? options = null, FingerprintCatalog? catalog = null)
        : this(options, catalog, null)
    {
    }

    internal AiServiceProbe(ProbeOptions? options, FingerprintCatalog? catalog, HttpMessageHandler? handler)
    {
        _options = (options ?? ProbeOptions.Default).Validate();
        Catalog = catalog ?? FingerprintCatalog.Default;
        _client = new BoundedHttpClient(_options, handler);
    }

    public FingerprintCatalog Catalog { get; }

    /// <summary>Probes every target, <see cref="ProbeOptions.Concurrency"/> at a time; results come back in target order.</summary>
    /// <param name="progress">Told of each endpoint as it finishes (from any thread).</param>
    public async Task<IReadOnlyList<EndpointResult>> ProbeAsync(IReadOnlyList<ProbeTarget> targets, IProgress<EndpointResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var results = new EndpointResult[targets.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count), parallel, async (index, token) =>
        {
            results[index] = await ProbeEndpointAsync(targets[index], token).ConfigureAwait(false);
            progress?.Report(results[index]);
        }).ConfigureAwait(false);
        return results;
    }

    public async Task<EndpointResult> ProbeEndpointAsync(ProbeTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var session = new EndpointSession(_client, target, _options.MaxFailuresPerEndpoint);
        var (service, match) = await IdentifyAsync(session, cancellationToken).ConfigureAwait(false);
        if (!session.Answered)
        {
            var closed = session.FirstFailure == FetchFailure.Refused;
            return new EndpointResult { Target = target, State = closed ? EndpointState.Closed : EndpointState.NoAnswer, Detail = FetchResult.Describe(session.FirstFailure), Requests = session.Requests };
        }
        if (service is null || match is null)
        {
            var (request, response) = session.FirstAnswer!.Value;
            return new EndpointResult
            {
                Target = target,
                State = EndpointState.Http,
                Detail = session.GivenUp ? "stopped after repeated failures" : null,
                Evidence = [new ProbeEvidence(request.ToString(), response.Status, "no fingerprint matched")],
                Requests = session.Requests,
            };
        }
        var evidence = new List<ProbeEvidence> { match };
        var version = await VersionAsync(session, service, evidence, cancellationToken).ConfigureAwait(false);
        var (authentication, access) = await AccessAsync(session, service, evidence, cancellationToken).ConfigureAwait(false);
        return new EndpointResult
        {
            Target = target,
            State = EndpointState.Identified,
            Service = service,
            Version = version,
            Authentication = authentication,
            AccessEvidence = access,
            Evidence = evidence,
            Requests = session.Requests,
        };
    }

    private async Task<(ServiceFingerprint?, ProbeEvidence?)> IdentifyAsync(EndpointSession session, CancellationToken cancellationToken)
    {
        foreach (var service in Catalog.Services)
        {
            foreach (var rule in service.Identify)
            {
                var response = await session.SendAsync(rule.Request, cancellationToken).ConfigureAwait(false);
                if (!session.Answered) return (null, null);
                if (response is not null && rule.Condition.Matches(response))
                    return (service, new ProbeEvidence(rule.Request.ToString(), response.Status, "identified by " + rule.Condition.Describe()));
            }
        }
        return (null, null);
    }

    private static async Task<string?> VersionAsync(EndpointSession session, ServiceFingerprint service, List<ProbeEvidence> evidence, CancellationToken cancellationToken)
    {
        foreach (var source in service.Version)
        {
            var response = await session.SendAsync(source.Request, cancellationToken).ConfigureAwait(false);
            if (response is not { Status: >= 200 and < 300 }) continue;
            var raw = source.Json is { } path
                ? (response.Json is { } json ? path.Select(json).Select(JsonPath.ScalarText).FirstOrDefault(v => v is not null) : null)
                : source.Header is { } header ? response.Header(header) : response.Text;
            if (VersionText.Clean(raw) is { } version)
            {
                evidence.Add(new ProbeEvidence(source.Request.ToString(), response.Status, source.Json is { } p ? $"version from json {p.Text}" : source.Header is { } h ? $"version from header {h}" : "version from body"));
                return version;
            }
        }
        return null;
    }

    private static async Task<(AuthenticationState, ProbeEvidence?)> AccessAsync(EndpointSession session, ServiceFingerprint service, List<ProbeEvidence> evidence, CancellationToken cancellationToken)
    {
        foreach (var check in service.Access)
        {
            var response = await session.SendAsync(check.Request, cancellationToken).ConfigureAwait(false);
            if (response is null) continue;
            var (state, note) = Judge(check, response);
            var entry = new ProbeEvidence(check.Request.ToString(), response.Status, note);
            evidence.Add(entry);
            if (state != AuthenticationState.Unknown) return (state, entry);
        }
        return (AuthenticationState.Unknown, null);
    }

    private static (AuthenticationState, string) Judge(AccessCheck check, ProbeResponse response)
    {
        if (check.Open.Matches(response)) return (AuthenticationState.None, "open without authentication: " + check.Open.Describe());
        if (response.Status is 401 or 403 || check.Required?.Matches(response) == true) return (AuthenticationState.Required, "authentication required");
        if (IsLoginRedirect(response)) return (AuthenticationState.Required, "redirect to a login page");
        return (AuthenticationState.Unknown, "inconclusive");
    }

    private static bool IsLoginRedirect(ProbeResponse response) =>
        response.Status is 301 or 302 or 303 or 307 or 308
        && response.Header("location") is { } location
        && LoginWords.Any(w => location.Contains(w, StringComparison.OrdinalIgnoreCase));

    public void Dispose() => _client.Dispose();
}
