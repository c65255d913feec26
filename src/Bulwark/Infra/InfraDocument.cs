namespace Bulwark.Infra;

/// <summary>The kinds of infrastructure file Bulwark reads (docs/infra.md).</summary>
public enum InfraFormat
{
    Kubernetes,
    Compose,
    Dockerfile,
    Terraform,
    TerraformPlan,
    DotEnv,
}

/// <summary>
/// One thing a file declares: a Terraform resource (<see cref="Type"/> <c>aws_s3_bucket</c>), a Kubernetes object
/// (<c>k8s:Deployment</c>), a compose service (<c>compose:service</c>), a Dockerfile stage (<c>dockerfile:stage</c>),
/// the variables of a .env file (<c>dotenv</c>).
/// </summary>
/// <param name="Address">How users name it: <c>aws_s3_bucket.models</c>, <c>Deployment/ollama</c>, <c>services.ollama</c>.</param>
public sealed record InfraResource(string Type, string Name, string Address, string Path, InfraMap Body)
{
    public int Line => Body.Line;
}

/// <summary>Why a file, or part of it, could not be read; reported as a <c>BW-INFRA-PARSE-ERROR</c> finding.</summary>
public sealed record InfraParseError(string Message, int Line, int Column);

/// <summary>A parsed infrastructure file: what it declares and what could not be read. A parser never throws on bad input.</summary>
public sealed record InfraFile(string Path, InfraFormat Format, IReadOnlyList<InfraResource> Resources, IReadOnlyList<InfraParseError> Errors);

/// <summary>Bounds every infrastructure parser honours, so hostile files cost bounded time and memory.</summary>
public sealed record InfraParseLimits
{
    /// <summary>Deepest nesting of maps, lists, blocks or expressions.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most values one file may produce (YAML aliases are expanded, so a "billion laughs" stops here).</summary>
    public int MaxNodes { get; init; } = 1_000_000;

    /// <summary>Parse errors kept per file; the rest are counted in the last message.</summary>
    public int MaxErrors { get; init; } = 20;

    public static InfraParseLimits Default { get; } = new();
}
