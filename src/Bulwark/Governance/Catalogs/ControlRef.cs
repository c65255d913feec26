namespace Bulwark.Governance.Catalogs;

/// <summary>An item together with its framework: what <see cref="FrameworkCatalog.Resolve"/> returns.</summary>
public sealed record ControlRef(Framework Framework, ControlItem Item)
{
    /// <summary>The item as a tag, in the spelling rules use: <c>iso-42001:A.6.2.4</c>, <c>nist-ai-rmf:MS-2.7</c>.</summary>
    public string Tag => Framework.TagPrefix + Framework.TagId(Item);
}
