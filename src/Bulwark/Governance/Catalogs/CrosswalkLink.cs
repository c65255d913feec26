namespace Bulwark.Governance.Catalogs;

/// <summary>A tag and the tags it implies (<c>owasp-llm:LLM01</c> → <c>iso-42001:A.6.2.4</c>, …), with where the link comes from.</summary>
internal sealed record CrosswalkLink(string From, IReadOnlyList<string> To, string Provenance);
