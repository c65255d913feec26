namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads a Dockerfile (Docker's reference syntax: parser directives, continuation lines, exec and shell forms,
/// heredocs) into one <c>dockerfile:stage</c> resource per build stage. Bad input never throws: each problem is an
/// <see cref="InfraParseError"/> and reading goes on with the next instruction. Linear in the text; bounded by
/// <see cref="InfraParseLimits"/> and a 1 MiB limit per instruction.
/// </summary>
public static class DockerfileParser
{
    public const string StageType = "dockerfile:stage";

    /// <summary>
    /// <c>Dockerfile</c>, <c>Containerfile</c>, <c>Dockerfile.*</c> / <c>Containerfile.*</c> (e.g. <c>Dockerfile.gpu</c>),
    /// <c>*.Dockerfile</c>; any case. <c>Dockerfile.dockerignore</c> is an ignore file, not a Dockerfile.
    /// </summary>
    public static bool Handles(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var name = relativePath[(relativePath.LastIndexOfAny(['/', '\\']) + 1)..];
        const StringComparison Ignore = StringComparison.OrdinalIgnoreCase;
        if (name.EndsWith(".dockerignore", Ignore)) return false;
        return name.Equals("Dockerfile", Ignore) || name.Equals("Containerfile", Ignore)
            || (name.Length > "Dockerfile.".Length && name.StartsWith("Dockerfile.", Ignore))
            || (name.Length > "Containerfile.".Length && name.StartsWith("Containerfile.", Ignore))
            || (name.Length > ".dockerfile".Length && name.EndsWith(".dockerfile", Ignore));
    }

    /// <summary>
    /// The stages of <paramref name="text"/>. Each resource's body holds <c>from</c>, <c>platform</c> (when given),
    /// <c>final</c>, <c>user</c> (the last USER, when any), <c>env</c>, <c>args</c>, <c>globalArgs</c> (ARGs before the
    /// first FROM, when any), <c>expose</c> and <c>instructions</c>.
    /// </summary>
    public static InfraFile Parse(string path, string text, InfraParseLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        var budget = new TextParseBudget(limits);
        var reader = new DockerfileReader(text, limits, budget);
        var stages = new DockerfileStages(budget, reader.Escape);
        while (!budget.Exhausted && reader.Next() is { } instruction) stages.Add(instruction);
        return new InfraFile(path, InfraFormat.Dockerfile, stages.Build(path), budget.Errors());
    }
}
