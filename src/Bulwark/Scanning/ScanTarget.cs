namespace Bulwark.Scanning;

/// <summary>A file to scan: where it is, how to show it, and its path relative to the scan root.</summary>
public sealed record ScanTarget(string FullPath, string DisplayPath, string RelativePath, long Length);
