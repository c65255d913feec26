namespace Bulwark.Infra.Parsing;

/// <summary>What one build stage declares, gathered instruction by instruction and turned into its resource at the end
/// (only then is it known whether the stage is the final one).</summary>
internal sealed class DockerfileStage(string name, int line, int column)
{
    public string Name => name;

    public InfraEntry? From { get; set; }

    public InfraEntry? Platform { get; set; }

    /// <summary>The last <c>USER</c>: the one the stage's container runs as.</summary>
    public InfraEntry? User { get; set; }

    public LastWinsEntries Env { get; } = new();

    public LastWinsEntries Args { get; } = new();

    public List<InfraValue> Expose { get; } = [];

    public List<InfraValue> Instructions { get; } = [];

    public InfraResource Build(string path, bool final, InfraMap? globalArgs)
    {
        var entries = new List<InfraEntry>();
        if (From is not null) entries.Add(From);
        if (Platform is not null) entries.Add(Platform);
        entries.Add(new("final", new InfraScalar(final ? "true" : "false", ScalarKind.Boolean, line, column), line, column));
        if (User is not null) entries.Add(User);
        entries.Add(new("env", Env.ToMap(line, column), line, column));
        entries.Add(new("args", Args.ToMap(line, column), line, column));
        if (globalArgs is not null) entries.Add(new("globalArgs", globalArgs, globalArgs.Line, globalArgs.Column));
        entries.Add(new("expose", new InfraList(Expose, line, column), line, column));
        entries.Add(new("instructions", new InfraList(Instructions, line, column), line, column));
        return new InfraResource(DockerfileParser.StageType, name, "stage " + name, path, new InfraMap(entries, line, column));
    }
}
