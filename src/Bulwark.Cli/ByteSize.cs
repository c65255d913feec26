using System.Globalization;
using Bulwark.Kernel;

namespace Bulwark.Cli;

/// <summary>Parses sizes such as <c>64MB</c>, <c>500KB</c>, <c>1GiB</c> or a plain byte count.</summary>
internal static class ByteSize
{
    public static long Parse(string text, string optionName)
    {
        var trimmed = text.Trim();
        var digits = trimmed.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        var unit = trimmed[digits..].Trim().ToUpperInvariant();
        long multiplier = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1024,
            "M" or "MB" or "MIB" => 1024 * 1024,
            "G" or "GB" or "GIB" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (digits == 0 || multiplier == 0 || !double.TryParse(trimmed[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw new BulwarkInputException($"{optionName}: '{text}' is not a size (examples: 500KB, 64MB, 1GB)");
        return (long)(value * multiplier);
    }
}
