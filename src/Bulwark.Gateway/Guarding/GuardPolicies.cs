using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Gateway.Guarding;

/// <summary>
/// The gateway's guard policies, each built once at start-up from one rule catalog: the default (<c>guards.policy</c>)
/// and the named ones (<c>guards.policies</c>). <see cref="For"/> picks a request's: the key's, else its team's, else
/// the model route's, else the default. The name <c>default</c> always means <c>guards.policy</c>, so a key can opt
/// back into it when its team names another.
/// </summary>
public sealed class GuardPolicies
{
    public const string DefaultName = GuardPolicyNames.Default;

    private readonly Dictionary<string, GatewayGuards> _named = new(StringComparer.Ordinal);

    public GuardPolicies(GuardOptions options, RuleCatalog catalog)
    {
        Default = new GatewayGuards(options, catalog);
        foreach (var (name, path) in options.Policies ?? new Dictionary<string, string>())
        {
            _named[name] = new GatewayGuards(options with { PolicyPath = path }, catalog, Default.DataDetector);
        }
    }

    public GatewayGuards Default { get; }

    /// <summary>Every name a key, team or model may use, <c>default</c> first.</summary>
    public IEnumerable<string> Names => [DefaultName, .. _named.Keys.Order(StringComparer.Ordinal)];

    public bool Contains(string name) => name == DefaultName || _named.ContainsKey(name);

    /// <summary>
    /// The guards for a request by <paramref name="key"/> to <paramref name="route"/>. A name this gateway does not
    /// define throws rather than falling back to a weaker policy (admission refuses such keys before they get here;
    /// route names are checked at start-up).
    /// </summary>
    public GatewayGuards For(VirtualKey? key, ModelRoute route) =>
        (key?.EffectiveGuardPolicy ?? route.GuardPolicy) is { } name ? Named(name) : Default;

    private GatewayGuards Named(string name) =>
        name == DefaultName ? Default
        : _named.TryGetValue(name, out var guards) ? guards
        : throw new InvalidOperationException($"guard policy '{name}' is not defined in guards.policies");
}
