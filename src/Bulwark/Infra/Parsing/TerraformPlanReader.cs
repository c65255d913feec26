using System.Text;
using System.Text.Json;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads the JSON that <c>terraform show -json</c> prints for a plan (or a state): every resource Terraform will
/// create, with its attribute values after variables, locals and modules are resolved, which a check of the
/// <c>.tf</c> source alone cannot see. Resources come from <c>planned_values</c> (or a state's <c>values</c>),
/// through every child module; without those, from <c>resource_changes[].change.after</c>.
/// </summary>
public static class TerraformPlanReader
{
    /// <summary>How much of a file <see cref="LooksLikePlan"/> reads: the keys it looks for come first.</summary>
    private const int SniffLength = 16 * 1024;

    public static InfraFile Parse(string path, string text, InfraParseLimits limits)
    {
        var errors = new List<InfraParseError>();
        var resources = new List<InfraResource>();
        var root = JsonTree.Parse(text, limits, errors);
        if (root is not InfraMap plan)
        {
            if (errors.Count == 0) errors.Add(new InfraParseError("not a Terraform plan: the top level is not a JSON object", root?.Line ?? 1, root?.Column ?? 1));
            return new InfraFile(path, InfraFormat.TerraformPlan, resources, errors);
        }

        var rootModule = RootModule(plan, "planned_values") ?? RootModule(plan, "values");
        if (rootModule is not null) AddModule(rootModule, path, resources);
        else if (plan.Get("resource_changes") is InfraList changes) AddChanges(changes, path, resources);
        return new InfraFile(path, InfraFormat.TerraformPlan, resources, errors);
    }

    /// <summary>
    /// Whether <paramref name="text"/> is <c>terraform show -json</c> output: a JSON object whose top-level keys include
    /// <c>format_version</c> and <c>planned_values</c> or <c>terraform_version</c>. Reads only the start.
    /// </summary>
    public static bool LooksLikePlan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().TrimStart('\uFEFF').TrimStart();
        if (span.IsEmpty || span[0] != '{') return false;
        var head = span[..Math.Min(span.Length, SniffLength)];
        var bytes = Encoding.UTF8.GetBytes(head.ToArray());
        var reader = new Utf8JsonReader(bytes, head.Length == span.Length, default);
        var (format, planned, version) = (false, false, false);
        try
        {
            while (reader.Read() && !(format && (planned || version)))
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    format |= reader.ValueTextEquals("format_version"u8);
                    planned |= reader.ValueTextEquals("planned_values"u8);
                    version |= reader.ValueTextEquals("terraform_version"u8);
                }
                else if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    break; // the value runs past the part read
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON, or cut in the middle of a token: decide on the keys seen so far.
        }

        return format && (planned || version);
    }

    private static InfraMap? RootModule(InfraMap plan, string key) => (plan.Get(key) as InfraMap)?.Get("root_module") as InfraMap;

    /// <summary>A module's resources, then its child modules' (the tree's depth bound keeps this recursion short).</summary>
    private static void AddModule(InfraMap module, string path, List<InfraResource> resources)
    {
        if (module.Get("resources") is InfraList list)
        {
            foreach (var item in list.Items)
            {
                if (item is InfraMap resource) Add(resource, resource.Get("values") as InfraMap, path, resources);
            }
        }

        if (module.Get("child_modules") is InfraList children)
        {
            foreach (var child in children.Items.OfType<InfraMap>()) AddModule(child, path, resources);
        }
    }

    private static void AddChanges(InfraList changes, string path, List<InfraResource> resources)
    {
        foreach (var change in changes.Items.OfType<InfraMap>())
        {
            // A resource being destroyed has no "after": nothing of it will exist to check.
            if ((change.Get("change") as InfraMap)?.Get("after") is InfraMap after) Add(change, after, path, resources);
        }
    }

    /// <summary>One resource; its body is the attribute values, placed at the resource object so findings point at it.</summary>
    private static void Add(InfraMap resource, InfraMap? values, string path, List<InfraResource> resources)
    {
        var type = resource.Text("type");
        var name = resource.Text("name");
        if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(name)) return;
        var data = resource.Text("mode") == "data";
        var address = resource.Text("address") ?? (data ? $"data.{type}.{name}" : $"{type}.{name}");
        var body = (values ?? InfraMap.Empty()) with { Line = resource.Line, Column = resource.Column, Labels = [type, name] };
        resources.Add(new InfraResource(data ? $"data:{type}" : type, name, address, path, body));
    }
}
