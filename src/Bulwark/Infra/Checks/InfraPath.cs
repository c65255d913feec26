namespace Bulwark.Infra.Checks;

/// <summary>
/// A dotted path into a resource (<c>network_acls.default_action</c>, <c>spec.template.spec.containers.image</c>).
/// Lists on the way are crossed element by element and repeated HCL blocks all count, so a path names every value
/// it can reach; <c>*</c> steps into every value of a map or a list.
/// </summary>
internal sealed class InfraPath
{
    private readonly string[] _steps;

    public InfraPath(string text)
    {
        Text = text;
        _steps = text.Split('.', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Text { get; }

    public IEnumerable<InfraValue> Resolve(InfraValue root)
    {
        IEnumerable<InfraValue> current = [root];
        foreach (var step in _steps) current = current.SelectMany(Flatten).SelectMany(v => Step(v, step));
        return current;
    }

    /// <summary>The values at the path with lists at its end crossed too: an empty list holds nothing.</summary>
    public IEnumerable<InfraValue> Values(InfraValue root) => Resolve(root).SelectMany(Flatten);

    public IEnumerable<InfraScalar> Scalars(InfraValue root) => Values(root).OfType<InfraScalar>();

    private static IEnumerable<InfraValue> Step(InfraValue value, string step) => value switch
    {
        InfraMap map when step == "*" => map.Entries.Select(e => e.Value),
        InfraMap map => map.GetAll(step),
        _ => [],
    };

    private static IEnumerable<InfraValue> Flatten(InfraValue value) => value is InfraList list ? list.Items.SelectMany(Flatten) : [value];
}
