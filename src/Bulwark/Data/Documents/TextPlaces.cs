using System.Text;

namespace Bulwark.Data.Documents;

/// <summary>
/// Places inside text formats that are read as plain text: CSV/TSV cells (<c>row 12, column email</c>) and JSON values
/// (<c>$.users[2].email</c>; in JSON lines, per line). Built after a scan, only for files that had findings. Linear,
/// bounded in depth; malformed input yields fewer places, never an error.
/// </summary>
public static class TextPlaces
{
    public const int MaxDepth = 64;

    public static bool Handles(string path) => Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".tsv" or ".json" or ".jsonl" or ".ndjson";

    public static ExtractedText Build(string path, string text) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => Table(text, ','),
        ".tsv" => Table(text, '\t'),
        _ => Json(text),
    };

    /// <summary>RFC 4180 fields; the first record names the columns.</summary>
    public static ExtractedText Table(string text, char separator)
    {
        var places = new List<(int, string)>();
        string[]? header = null;
        var headerFields = new List<string>();
        var field = new StringBuilder();
        int record = 0, column = 0, fieldStart = 0;
        var quoted = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\n';
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            if (c == '"' && i == fieldStart) { quoted = true; continue; }
            if (c != separator && c != '\n') { if (c != '\r') field.Append(c); continue; }
            if (header is null) headerFields.Add(field.ToString());
            else places.Add((fieldStart, $"row {record}, column {(column < header.Length ? header[column] : "#" + (column + 1))}"));
            field.Clear();
            fieldStart = i + 1;
            column++;
            if (c == '\n')
            {
                header ??= [.. headerFields];
                record++;
                column = 0;
            }
        }
        return new ExtractedText(text, places);
    }

    /// <summary>Every value's start with its path. JSON lines restart the path at each line.</summary>
    public static ExtractedText Json(string text)
    {
        var places = new List<(int, string)>();
        var path = new List<string>();      // segments: ".key" or "[3]"
        var index = new List<int>();        // -1 in an object, the element index in an array
        string? pendingKey = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '{' or '[':
                    MarkValue(i);
                    if (path.Count >= MaxDepth) return new ExtractedText(text, places);
                    path.Add(Segment());
                    index.Add(c == '[' ? 0 : -1);
                    pendingKey = null;
                    break;
                case '}' or ']':
                    if (path.Count > 0) { path.RemoveAt(path.Count - 1); index.RemoveAt(index.Count - 1); }
                    break;
                case ',':
                    if (index.Count > 0 && index[^1] >= 0) index[^1]++;
                    pendingKey = null;
                    break;
                case '\n' when path.Count == 0:
                    break;
                case '"':
                    var end = StringEnd(text, i);
                    var after = end + 1;
                    while (after < text.Length && char.IsWhiteSpace(text[after])) after++;
                    if (index.Count > 0 && index[^1] < 0 && pendingKey is null && after < text.Length && text[after] == ':')
                        pendingKey = text[(i + 1)..end];
                    else MarkValue(i);
                    i = end;
                    break;
                default:
                    if (c is not ('-' or (>= '0' and <= '9') or 't' or 'f' or 'n')) break; // whitespace, ':'
                    MarkValue(i);
                    while (i + 1 < text.Length && text[i + 1] is not (',' or '}' or ']' or '\n' or '"')) i++;
                    break;
            }
        }
        return new ExtractedText(text, places);

        string Segment()
        {
            if (index.Count == 0) return "$";
            return index[^1] >= 0 ? $"[{index[^1]}]" : "." + (pendingKey ?? "?");
        }

        void MarkValue(int at) => places.Add((at, index.Count == 0 ? "$" : string.Concat(path) + Segment()));
    }

    private static int StringEnd(string text, int open)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"') return i;
        }
        return text.Length - 1;
    }
}
