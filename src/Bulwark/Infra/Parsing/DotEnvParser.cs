namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads a .env file into one <c>dotenv</c> resource whose body maps each variable to its value (a Text scalar; a
/// Null scalar for a bare <c>KEY</c>), the last assignment winning as in compose. Bad lines never throw: each is an
/// <see cref="InfraParseError"/> and reading goes on with the next line. Linear in the text.
/// </summary>
public static class DotEnvParser
{
    public const string ResourceType = "dotenv";

    /// <summary><c>.env</c>, <c>.env.*</c> (e.g. <c>.env.local</c>, <c>.env.production</c>) and <c>*.env</c>; any case.</summary>
    public static bool Handles(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var name = FileName(relativePath);
        const StringComparison Ignore = StringComparison.OrdinalIgnoreCase;
        return name.Equals(".env", Ignore)
            || (name.Length > ".env.".Length && name.StartsWith(".env.", Ignore))
            || (name.Length > ".env".Length && name.EndsWith(".env", Ignore));
    }

    public static InfraFile Parse(string path, string text, InfraParseLimits limits)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        var budget = new TextParseBudget(limits);
        var reader = new DotEnvReader(text, budget);
        var variables = new LastWinsEntries();
        while (!reader.AtEnd && !budget.Exhausted)
        {
            if (reader.ReadLine() is { } entry) variables.Set(entry);
        }
        var resource = new InfraResource(ResourceType, FileName(path), path, path, variables.ToMap(1, 1));
        return new InfraFile(path, InfraFormat.DotEnv, [resource], budget.Errors());
    }

    /// <summary>The last segment, with either separator: paths may come from Windows.</summary>
    private static string FileName(string path) => path[(path.LastIndexOfAny(['/', '\\']) + 1)..];
}
