namespace Bulwark.Data.Documents;

/// <summary>
/// Text taken out of a structured document, with the place each stretch came from (a paragraph, a cell, a page, a
/// JSON path). Places are sorted by start offset; a finding's offset maps back to its place by binary search.
/// </summary>
public sealed class ExtractedText
{
    private readonly List<int> _starts = [];
    private readonly List<string> _places = [];

    public ExtractedText(string text, IEnumerable<(int Start, string Place)> places)
    {
        Text = text;
        foreach (var (start, place) in places)
        {
            _starts.Add(start);
            _places.Add(place);
        }
    }

    public string Text { get; }

    public int PlaceCount => _places.Count;

    /// <summary>The place holding <paramref name="offset"/>, or null before the first place.</summary>
    public string? PlaceAt(long offset)
    {
        int lo = 0, hi = _starts.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_starts[mid] <= offset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : _places[found];
    }

    /// <summary>Builds an extracted text one place at a time; each place's text goes on lines of its own.</summary>
    public sealed class Builder(long maxChars)
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly List<(int, string)> _places = [];

        public bool Full => _text.Length >= maxChars;

        public void Add(string place, string text)
        {
            if (text.Length == 0 || Full) return;
            _places.Add((_text.Length, place));
            _text.Append(text.Length <= maxChars - _text.Length ? text : text[..(int)(maxChars - _text.Length)]).Append('\n');
        }

        public ExtractedText Build() => new(_text.ToString(), _places);
    }
}
