using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Allocation-free readers of the times that log lines carry: Unix seconds with a fraction (Squid, Zeek), ISO 8601,
/// syslog's <c>Nov 24 10:15:02</c> and BIND's <c>24-Nov-2026 10:15:02.123</c>. All return Unix milliseconds and
/// reject anything before 1970 or after 9999, so a mutated digit cannot overflow.
/// </summary>
internal static class LogTime
{
    /// <summary>10^11 seconds is the year 5138: a bare integer at or above it can only be milliseconds.</summary>
    private const long MillisecondThreshold = 100_000_000_000;

    private const long MaxMs = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

    /// <summary><c>1700000000</c>, <c>1700000000.123456</c>; with <paramref name="allowMilliseconds"/> a bare integer
    /// of 12 or more digits is taken as milliseconds. Digits past the third of the fraction are read and dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseEpoch(ReadOnlySpan<byte> text, bool allowMilliseconds, out long ms)
    {
        ms = 0;
        var i = 0;
        long whole = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            if (i == 15) return false;
            whole = (whole * 10) + (text[i] - '0');
            i++;
        }
        if (i == 0) return false;
        if (i == text.Length)
        {
            ms = allowMilliseconds && whole >= MillisecondThreshold ? whole : whole * 1000;
            return ms <= MaxMs;
        }
        if (text[i] != '.') return false;
        i++;
        var digits = 0;
        long fraction = 0;
        while (i < text.Length && IsDigit(text[i]))
        {
            if (digits < 3) fraction = (fraction * 10) + (text[i] - '0');
            digits++;
            i++;
        }
        if (i != text.Length || digits == 0) return false;
        for (var kept = Math.Min(digits, 3); kept < 3; kept++) fraction *= 10;
        ms = (whole * 1000) + fraction;
        return ms <= MaxMs;
    }

    /// <summary>Epoch seconds or milliseconds, or ISO 8601: what a CSV or JSON column may hold.</summary>
    public static bool TryParseAny(ReadOnlySpan<byte> text, out long ms)
    {
        if (TryParseEpoch(text, allowMilliseconds: true, out ms)) return true;
        return TryParseIso8601(text, out ms, out var used) && used == text.Length;
    }

    /// <summary><c>2026-11-24</c>, <c>2026-11-24T10:15:02</c>, a space for the T, a fraction after <c>.</c> or <c>,</c>,
    /// then <c>Z</c>, <c>+01:00</c>, <c>+0100</c>, <c>+01</c> or nothing (UTC). <paramref name="used"/> is how many bytes
    /// the time took, so a caller can read what follows it.</summary>
    public static bool TryParseIso8601(ReadOnlySpan<byte> text, out long ms, out int used)
    {
        ms = 0;
        used = 0;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-') return false;
        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)) return false;
        if (!TryDays(year, month, day, out var days)) return false;
        var i = 10;
        long dayMs = 0;
        if (text.Length >= 19 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ') && text[13] == ':' && text[16] == ':')
        {
            if (!TryClock(text.Slice(11, 8), out dayMs)) return false;
            i = 19;
            if (i < text.Length && (text[i] == '.' || text[i] == ','))
            {
                i++;
                var fractionStart = i;
                long fraction = 0;
                while (i < text.Length && IsDigit(text[i]))
                {
                    if (i - fractionStart < 3) fraction = (fraction * 10) + (text[i] - '0');
                    i++;
                }
                if (i == fractionStart) return false;
                for (var kept = Math.Min(i - fractionStart, 3); kept < 3; kept++) fraction *= 10;
                dayMs += fraction;
            }
            if (i < text.Length && (text[i] == 'Z' || text[i] == 'z')) i++;
            else if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                if (!TryOffset(text[i..], out var offsetMinutes, out var offsetLength)) return false;
                dayMs -= offsetMinutes * 60_000L;
                i += offsetLength;
            }
        }
        ms = (days * 86_400_000L) + dayMs;
        used = i;
        return ms is >= 0 and <= MaxMs;
    }

    /// <summary>Syslog's <c>Nov 24 10:15:02</c> (the day may be space-padded: <c>Nov  4</c>). Syslog leaves the year
    /// out; a time more than a day after the clock's now belongs to the year before (a log read in January
    /// that began in December).</summary>
    public static bool TryParseSyslog(ReadOnlySpan<byte> text, SyslogClock clock, out long ms)
    {
        ms = 0;
        if (text.Length < 15 || text[3] != ' ' || text[6] != ' ' || text[9] != ':' || text[12] != ':') return false;
        var month = Month(text[..3]);
        var dayText = text[4] == ' ' ? text.Slice(5, 1) : text.Slice(4, 2);
        if (month == 0 || !TryDigits(dayText, out var day) || !TryClock(text.Slice(7, 8), out var dayMs)) return false;
        var year = clock.Year;
        for (var attempt = 0; attempt < 2; attempt++, year--)
        {
            if (!TryDays(year, month, day, out var days)) continue; // 29 Feb in a year without one: try the year before
            ms = (days * 86_400_000L) + dayMs;
            if (ms <= clock.NowMs + 86_400_000L) return true;
        }
        return ms > 0;
    }

    /// <summary>BIND's <c>24-Nov-2026 10:15:02.123</c> (the fraction is optional); <paramref name="used"/> as above.</summary>
    public static bool TryParseBind(ReadOnlySpan<byte> text, out long ms, out int used)
    {
        ms = 0;
        used = 0;
        if (text.Length < 20 || text[2] != '-' || text[6] != '-' || text[11] != ' ') return false;
        var month = Month(text.Slice(3, 3));
        if (month == 0 || !TryDigits(text[..2], out var day) || !TryDigits(text.Slice(7, 4), out var year)) return false;
        if (!TryDays(year, month, day, out var days) || !TryClock(text.Slice(12, 8), out var dayMs)) return false;
        used = 20;
        if (text.Length >= 24 && text[20] == '.' && TryDigits(text.Slice(21, 3), out var fraction))
        {
            dayMs += fraction;
            used = 24;
        }
        ms = (days * 86_400_000L) + dayMs;
        return true;
    }

    /// <summary>The reading's "now" for syslog times, taken once per file rather than once per line.</summary>
    public readonly record struct SyslogClock(int Year, long NowMs)
    {
        public static SyslogClock From(TimeProvider clock)
        {
            var now = clock.GetUtcNow();
            return new SyslogClock(now.Year, now.ToUnixTimeMilliseconds());
        }
    }

    private static bool TryClock(ReadOnlySpan<byte> text, out long dayMs)
    {
        dayMs = 0;
        if (text.Length != 8 || text[2] != ':' || text[5] != ':') return false;
        if (!TryDigits(text[..2], out var hour) || !TryDigits(text.Slice(3, 2), out var minute) || !TryDigits(text.Slice(6, 2), out var second)) return false;
        if (hour > 23 || minute > 59 || second > 60) return false;
        dayMs = (((hour * 60L) + minute) * 60L + Math.Min(second, 59)) * 1000L; // a leap second reads as :59
        return true;
    }

    private static bool TryOffset(ReadOnlySpan<byte> text, out int minutes, out int length)
    {
        minutes = 0;
        length = 0;
        var sign = text[0] == '-' ? -1 : 1;
        if (text.Length < 3 || !TryDigits(text.Slice(1, 2), out var hours) || hours > 23) return false;
        length = 3;
        var rest = text[3..];
        if (rest.Length > 0 && rest[0] == ':') { rest = rest[1..]; length++; }
        var mins = 0;
        if (rest.Length >= 2 && IsDigit(rest[0]))
        {
            if (!TryDigits(rest[..2], out mins) || mins > 59) return false;
            length += 2;
        }
        else if (length == 4) return false; // "+01:" with nothing after the colon
        minutes = sign * ((hours * 60) + mins);
        return true;
    }

    private static bool TryDays(int year, int month, int day, out long days)
    {
        days = 0;
        if (year is < 1970 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        // Howard Hinnant's days_from_civil: exact and branch-light, no DateTime on the hot path.
        var y = month <= 2 ? year - 1 : year;
        var era = y / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month + (month > 2 ? -3 : 9))) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        days = (era * 146_097L) + dayOfEra - 719_468;
        return true;
    }

    private static int Month(ReadOnlySpan<byte> name)
    {
        if (name.Length != 3) return 0;
        var key = ((name[0] | 0x20) << 16) | ((name[1] | 0x20) << 8) | (name[2] | 0x20);
        return key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        foreach (var b in text)
        {
            if (!IsDigit(b)) return false;
            value = (value * 10) + (b - '0');
        }
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
