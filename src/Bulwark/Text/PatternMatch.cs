namespace Bulwark.Text;

/// <summary>A rule match inside one text buffer; offsets index that buffer.</summary>
public readonly record struct PatternMatch(int RuleIndex, int Start, int End, int SecretStart, int SecretEnd);
