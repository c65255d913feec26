using Bulwark.Eval;

namespace Bulwark.Tests;

/// <summary>A fact that needs ../shared (data sets, schemas); skipped with a clear reason where it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (RepositoryPaths.Shared is null) Skip = RepositoryPaths.MissingSharedMessage;
    }
}
