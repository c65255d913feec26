namespace Bulwark.Infra.Checks;

/// <summary>Every resource of a scan by type, and the names other resources use to refer to each.</summary>
internal sealed class InfraResourceIndex
{
    private static readonly string[] NamingAttributes = ["bucket", "name", "id", "arn"];
    private readonly ILookup<string, InfraResource> _byType;

    public InfraResourceIndex(IReadOnlyList<InfraResource> resources)
    {
        Resources = resources;
        _byType = resources.ToLookup(r => r.Type, StringComparer.Ordinal);
    }

    public IReadOnlyList<InfraResource> Resources { get; }

    public IEnumerable<InfraResource> OfType(string type) => _byType[type];

    /// <summary>Its address (<c>aws_s3_bucket.models</c>) and the literal values of its naming attributes (a plan holds those, not references).</summary>
    public static IReadOnlyList<string> NamesOf(InfraResource resource)
    {
        var names = new List<string> { resource.Address };
        foreach (var attribute in NamingAttributes)
        {
            if (resource.Body.Get(attribute) is InfraScalar { Kind: ScalarKind.Text, Text.Length: > 0 } value) names.Add(value.Text);
        }
        return names;
    }
}
