using Bulwark.Kernel.RulePacks;

namespace Bulwark.Data.Pii;

/// <summary>The kinds of span the entity tagger emits; each is reported under the rule that asked for it.</summary>
internal enum EntityKind { Person, Location, Organization, Nrp, Title }

/// <summary>
/// Names, places, organisations, nationalities and job titles without a statistical model: the text is split
/// into words once, then cues claim words in order of strength — honorifics ("Dr."), organisation endings
/// ("Inc", "Partners"), context phrases ("my name is", "work for", "lives in"), multi-word place names, then
/// runs of capitalised words checked against name and place gazetteers. A word is claimed once, so a
/// place is not also a person. Everyday words ("May", "Will") need a second cue before they count.
/// </summary>
internal sealed class EntityTagger(IReadOnlyDictionary<EntityKind, Rule> rules) : ITextRecogniser
{
    private const int MaxNameWords = 4;

    private static readonly CueSet PersonCues = new("name is", "name's", "named", "called", "dear", "hi", "hello", "thanks", "regards", "sincerely", "signed", "patient", "customer", "contact", "ask for", "attention", "attn", "i am", "i'm", "this is", "from", "by", "with", "to", "and", "for", "cc");
    private static readonly CueSet StrongPersonCues = new("name is", "name's", "name", "named", "called", "dear", "signed", "ask for", "attn", "attention", "directed by", "written by", "produced by", "change it to", "under");
    private static readonly CueSet OrgCues = new("work for", "works for", "worked for", "working for", "work at", "works at", "worked at", "working at", "employed by", "employed at", "employer is", "joined", "at");
    private static readonly CueSet PlaceCues = new("in", "from", "to", "at", "near", "of", "live in", "lives in", "living in", "moved to", "born in", "grew up in", "visit", "visiting", "city", "town", "country", "located in", "based in");
    // Phrases after which capitalised words are a place even when no gazetteer lists them.
    private static readonly CueSet StrongPlaceCues = new("grew up in", "originally from", "based in", "lives in", "live in", "living in", "moved to", "move to", "moving to", "travelling to", "traveling to", "travel to", "located in", "born in", "home city", "home town", "hometown", "city of", "town of", "village of", "flew to", "fly to", "flying to", "returned to", "coming to", "trip to", "relocated to", "i'm in", "i am in", "raised in", "resident of", "suburb of", "the world to");
    private static readonly CueSet TitleCues = new("work as a", "work as an", "works as a", "works as an", "worked as a", "worked as an", "working as a", "working as an", "job as a", "job as an", "i am a", "i am an", "i'm a", "i'm an", "job title is", "title is", "position is", "occupation is", "profession is", "role is", "employed as a", "employed as an", "as a", "as an");

    private readonly Gazetteers.Lists _lists = Gazetteers.Get();

    public void Recognise(string text, List<RecognisedSpan> results)
    {
        var claims = Claims.Rent();
        try
        {
            claims.Read(text);
            if (claims.Words.Count > 0) Tag(text, claims, results);
        }
        finally
        {
            Claims.Return(claims);
        }
    }

    private void Tag(string text, Claims claims, List<RecognisedSpan> results)
    {
        var words = claims.Words;
        Honorifics(text, words, claims);
        Organisations(text, words, claims);
        ContextPersons(text, words, claims);
        Titles(text, words, claims);
        Places(text, words, claims, multiWordOnly: true);
        CuedPlaces(text, words, claims);
        Persons(text, words, claims, multiWordOnly: true);
        Places(text, words, claims, multiWordOnly: false);
        Persons(text, words, claims, multiWordOnly: false);
        Nationalities(text, words, claims);

        foreach (var (kind, first, last, end) in claims.Spans)
        {
            if (rules.TryGetValue(kind, out var rule)) results.Add(new RecognisedSpan(rule, words[first].Start, end));
        }
    }

    /// <summary>
    /// A text's words with their cue anchors, the words the passes have claimed so far (a word is claimed once), and
    /// the spans they claimed. One per thread, reused from text to text: a file's word list and claims were two
    /// large-object allocations.
    /// </summary>
    private sealed class Claims
    {
        private const int MaxKeptWords = 1 << 20;

        [ThreadStatic]
        private static Claims? _cached;

        private EntityKind?[] _kinds = [];

        public List<Word> Words { get; } = [];

        public CueAnchors Anchors { get; } = new();

        public List<(EntityKind Kind, int First, int Last, int End)> Spans { get; } = [];

        public static Claims Rent()
        {
            var claims = _cached ?? new Claims();
            _cached = null; // a nested call on this thread gets its own
            return claims;
        }

        public static void Return(Claims claims)
        {
            if (claims.Words.Capacity > MaxKeptWords) return;
            claims.Words.Clear();
            _cached = claims;
        }

        /// <summary>The words of <paramref name="text"/> and their cue anchors, none of them claimed yet.</summary>
        public void Read(string text)
        {
            WordSplitter.Split(text, Words);
            Anchors.Find(text, Words);
            if (_kinds.Length < Words.Count) _kinds = new EntityKind?[Words.Capacity];
            Array.Clear(_kinds, 0, Words.Count);
            Spans.Clear();
        }

        public bool Free(int i) => i >= 0 && i < Words.Count && _kinds[i] is null;

        public void Claim(EntityKind kind, int first, int last, int? end = null)
        {
            for (var i = first; i <= last; i++) _kinds[i] = kind;
            Spans.Add((kind, first, last, end ?? Words[last].End));
        }
    }

    private bool IsCommon(string text, Word w) => _lists.CommonWords.Contains(text, w);

    private bool IsName(string text, Word w) => _lists.FirstNames.Contains(text, w) || _lists.LastNames.Contains(text, w) || IsHyphenatedName(text, w);

    private bool IsHyphenatedName(string text, Word w)
    {
        var span = w.Span(text);
        var dash = span.IndexOf('-');
        return dash > 0 && (_lists.FirstNames.Contains(span[..dash]) || _lists.LastNames.Contains(span[..dash])) && (_lists.LastNames.Contains(span[(dash + 1)..]) || _lists.FirstNames.Contains(span[(dash + 1)..]));
    }

    /// <summary>"Mr." / "Dr" and the capitalised names after them.</summary>
    private void Honorifics(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (!claims.Free(i) || w.Shape is not (Shape.Capitalised or Shape.Upper or Shape.Initial) || !_lists.Honorifics.Contains(text, w)) continue;
            var end = w.End < text.Length && text[w.End] == '.' ? w.End + 1 : w.End;
            var gap = text.AsSpan(w.End, Math.Min(text.Length, w.End + 2) - w.End);
            if (i + 1 >= words.Count || !(gap is ". " || gap.StartsWith(" ")) || words[i + 1].Start - w.End > 2 || !claims.Free(i + 1) || !words[i + 1].IsNameShaped) continue;
            var last = i + 1;
            while (last + 1 < words.Count && last - i < MaxNameWords && claims.Free(last + 1) && words[last + 1].IsNameShaped && WordSplitter.Joinable(text, words[last], words[last + 1])) last++;
            claims.Claim(EntityKind.Title, i, i, end);
            claims.Claim(EntityKind.Person, i + 1, last);
            i = last;
        }
    }

    /// <summary>Capitalised words ending in a legal form or sector word, "Hawkins, Dunn and Lee", "Hall-Mendez", and names after "work for".</summary>
    private void Organisations(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (!claims.Free(i) || !w.IsNameShaped || w.Shape == Shape.Initial) continue;
            var last = i;
            while (last + 1 < words.Count && last - i < 5 && words[last + 1].IsNameShaped && WordSplitter.Joinable(text, words[last], words[last + 1])) last++;

            // "Acme Widgets Inc": the last capitalised word is an organisation ending and something precedes it.
            for (var j = last; j > i; j--)
            {
                if (!_lists.OrgSuffixes.Contains(text, words[j]) || (words[j].Shape == Shape.Upper && words[j].Length <= 3 && !IsLegalFormCase(text, words[j]))) continue;
                var end = words[j].End < text.Length && text[words[j].End] == '.' ? words[j].End + 1 : words[j].End;
                claims.Claim(EntityKind.Organization, i, j, end);
                i = j;
                goto next;
            }

            // "Hawkins, Dunn and Lee" / "Dunn and Lee": surnames joined as a firm name.
            if (last == i && _lists.LastNames.Contains(text, w) && SurnameFirm(text, words, i, claims) is { } firmEnd and > 0)
            {
                claims.Claim(EntityKind.Organization, i, firmEnd);
                i = firmEnd;
                continue;
            }

            // "Hall-Mendez" alone: two surnames joined, with no given name before it.
            if (last == i && IsHyphenatedName(text, w) && !(i > 0 && words[i - 1].IsNameShaped && WordSplitter.Joinable(text, words[i - 1], w)) && !_lists.FirstNames.Contains(w.Span(text)[..w.Span(text).IndexOf('-')]))
            {
                claims.Claim(EntityKind.Organization, i, i);
                continue;
            }

            if (OrgCues.Before(text, claims.Anchors, i) is { } cue && (cue != "at" || !IsPlace(text, words, i, last)))
            {
                var end2 = last;
                if (IsCommon(text, words[i]) && end2 == i) continue;
                if (cue == "at" && end2 == i && (IsName(text, w) || _lists.Places.Contains(text, w))) continue;
                claims.Claim(EntityKind.Organization, i, end2);
                i = end2;
            }
        next:;
        }
    }

    private static bool IsLegalFormCase(string text, Word w) => w.Span(text) is "LLC" or "LLP" or "PLC" or "INC" or "LTD" or "AG" or "SA" or "AB" or "AS" or "NV" or "BV";

    private bool IsPlace(string text, List<Word> words, int first, int last) =>
        _lists.Places.Contains(text.AsSpan(words[first].Start, words[last].End - words[first].Start));

    private int? SurnameFirm(string text, List<Word> words, int i, Claims claims)
    {
        // Walk "A, B and C" or "A and B": every part a capitalised surname.
        var j = i;
        var parts = 1;
        while (j + 1 < words.Count)
        {
            var gap = text.AsSpan(words[j].End, words[j + 1].Start - words[j].End);
            if (gap is ", " && claims.Free(j + 1) && words[j + 1].Shape == Shape.Capitalised && _lists.LastNames.Contains(text, words[j + 1])) { j++; parts++; continue; }
            if (gap is " " or ", " && words[j + 1].Span(text) is "and" or "&" && j + 2 < words.Count && claims.Free(j + 2) && words[j + 2].Shape == Shape.Capitalised
                && _lists.LastNames.Contains(text, words[j + 2]) && text.AsSpan(words[j + 1].End, words[j + 2].Start - words[j + 1].End) is " ")
            {
                j += 2;
                parts++;
                break;
            }
            break;
        }
        // A list of given names ("Ann, Eva and Joe") is people, not a firm.
        var given = 0;
        for (var k = i; k <= j; k++) if (_lists.FirstNames.Contains(text, words[k])) given++;
        if (given * 2 > parts) return null;
        // Two parts ("Smith and Jones") could be two people; ask that neither looks like a given name.
        if (parts >= 3) return j;
        if (parts == 2 && !_lists.FirstNames.Contains(text, words[i]) && !_lists.FirstNames.Contains(text, words[j])) return j;
        return null;
    }

    /// <summary>"my name is Ana Lima", "Dear Jo", "patient: Sam Roe": the words after a cue, even unlisted ones.</summary>
    private void ContextPersons(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!claims.Free(i) || StrongPersonCues.Before(text, claims.Anchors, i) is null) continue;
            var lower = words[i].Shape == Shape.Lower;
            if (lower && !(IsName(text, words[i]) && !IsCommon(text, words[i]))) continue;
            if (!lower && !words[i].IsNameShaped) continue;
            if (!lower && IsCommon(text, words[i]) && !IsName(text, words[i])) continue;
            var last = i;
            while (last + 1 < words.Count && last - i < MaxNameWords - 1 && claims.Free(last + 1) && WordSplitter.Joinable(text, words[last], words[last + 1])
                   && (lower ? words[last + 1].Shape == Shape.Lower && IsName(text, words[last + 1]) && !IsCommon(text, words[last + 1]) : words[last + 1].IsNameShaped && !IsCommon(text, words[last + 1]))) last++;
            claims.Claim(EntityKind.Person, i, last);
            i = last;
        }
    }

    /// <summary>Job titles: "works as a technical writer", or capitalised words ending in an occupation ("Senior Data Engineer").</summary>
    private void Titles(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!claims.Free(i)) continue;
            if (TitleCues.Before(text, claims.Anchors, i) is not null)
            {
                // Up to five words, the last an occupation head noun ("writer", "clerk"), within one phrase.
                var last = -1;
                for (var j = i; j < words.Count && j - i < 5 && claims.Free(j); j++)
                {
                    if (j > i && !WordSplitter.JoinableLoose(text, words[j - 1], words[j])) break;
                    if (IsOccupation(text, words[j])) last = j;
                }
                if (last >= 0)
                {
                    claims.Claim(EntityKind.Title, i, last);
                    i = last;
                }
                continue;
            }
            if (words[i].Shape != Shape.Capitalised) continue;
            var end = i;
            while (end + 1 < words.Count && end - i < 3 && claims.Free(end + 1) && words[end + 1].Shape is Shape.Capitalised or Shape.Lower && WordSplitter.Joinable(text, words[end], words[end + 1])) end++;
            for (var j = end; j > i; j--)
            {
                if (!_lists.JobWords.Contains(text, words[j]) || !IsOccupation(text, words[j])) continue;
                if (!_lists.JobWords.Contains(text, words[i])) break;
                claims.Claim(EntityKind.Title, i, j);
                i = j;
                break;
            }
        }
    }

    private bool IsOccupation(string text, Word w)
    {
        var span = w.Span(text);
        if (span.Length > 3 && span[^1] is 's' && _lists.JobWords.Contains(span[..^1])) return true;
        return _lists.JobWords.Contains(text, w) && !span.Equals("of", StringComparison.OrdinalIgnoreCase)
            && (span.EndsWith("er", StringComparison.OrdinalIgnoreCase) || span.EndsWith("or", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ist", StringComparison.OrdinalIgnoreCase)
                || span.EndsWith("ian", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ant", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ent", StringComparison.OrdinalIgnoreCase)
                || span.EndsWith("nurse", StringComparison.OrdinalIgnoreCase) || span.EndsWith("chef", StringComparison.OrdinalIgnoreCase) || span.EndsWith("clerk", StringComparison.OrdinalIgnoreCase)
                || span.EndsWith("guard", StringComparison.OrdinalIgnoreCase) || span.EndsWith("pilot", StringComparison.OrdinalIgnoreCase) || span.EndsWith("coach", StringComparison.OrdinalIgnoreCase)
                || span.EndsWith("cook", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ive", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ect", StringComparison.OrdinalIgnoreCase)
                || span.EndsWith("yst", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ary", StringComparison.OrdinalIgnoreCase) || span.EndsWith("ss", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Place names from the gazetteer: the longest phrase first; an everyday word only after "in", "from", ...</summary>
    private void Places(string text, List<Word> words, Claims claims, bool multiWordOnly)
    {
        Span<char> buffer = stackalloc char[128];
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (!claims.Free(i) || w.Shape is not (Shape.Capitalised or Shape.Upper)) continue;
            var matched = -1;
            if (_lists.PlacePhraseStarts.Contains(text, w))
            {
                // Join up to four words with single spaces (the text may have line breaks or double spaces).
                var length = 0;
                for (var j = i; j < words.Count && j - i < 4 && claims.Free(j); j++)
                {
                    if (j > i && (!WordSplitter.JoinableLoose(text, words[j - 1], words[j]) || length + 1 + words[j].Length > buffer.Length)) break;
                    if (j > i) buffer[length++] = ' ';
                    words[j].Span(text).CopyTo(buffer[length..]);
                    length += words[j].Length;
                    if (j > i && _lists.Places.Contains(buffer[..length]) && !AllCommon(text, words, i, j)) matched = j;
                }
            }
            if (matched < 0 && !multiWordOnly && _lists.Places.Contains(text, w) && w.Length >= 3)
            {
                var cue = PlaceCues.Before(text, claims.Anchors, i) is not null;
                var common = IsCommon(text, w) || _lists.Honorifics.Contains(text, w) || _lists.OrgSuffixes.Contains(text, w) || _lists.Nrp.Contains(text, w);
                var nameLike = (_lists.FirstNames.Contains(text, w) || _lists.LastNames.Contains(text, w)) && !cue && !_lists.Countries.Contains(text, w);
                var nextIsName = i + 1 < words.Count && words[i + 1].IsNameShaped && WordSplitter.Joinable(text, w, words[i + 1]) && IsName(text, words[i + 1]);
                if ((cue || !common) && !nameLike && !nextIsName) matched = i;
            }
            if (matched < 0 || IsLabel(text, words[i], words[matched])) continue;
            claims.Claim(EntityKind.Location, i, matched);
            i = matched;
        }
    }

    /// <summary>"grew up in Tarnby", "based in NORDVIK": up to three capitalised words after a strong place cue.</summary>
    private void CuedPlaces(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!claims.Free(i) || words[i].Shape is not (Shape.Capitalised or Shape.Upper) || StrongPlaceCues.Before(text, claims.Anchors, i) is null) continue;
            if (_lists.Nrp.Contains(text, words[i]) || (IsCommon(text, words[i]) && !_lists.Places.Contains(text, words[i]))) continue;
            var last = i;
            while (last + 1 < words.Count && last - i < 2 && claims.Free(last + 1) && words[last + 1].Shape is Shape.Capitalised or Shape.Upper && WordSplitter.Joinable(text, words[last], words[last + 1]) && !IsCommon(text, words[last + 1])) last++;
            claims.Claim(EntityKind.Location, i, last);
            i = last;
        }
    }

    private bool NoneCommon(string text, List<Word> words, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            var w = words[i];
            if (w.Shape != Shape.Initial && (IsCommon(text, w) || _lists.OrgSuffixes.Contains(text, w) || _lists.Nrp.Contains(text, w) || _lists.JobWords.Contains(text, w) || _lists.Honorifics.Contains(text, w))) return false;
        }
        return true;
    }

    private bool AllCommon(string text, List<Word> words, int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            if (!IsCommon(text, words[i])) return false;
        }
        return true;
    }

    /// <summary>"Bot:" or "Where:" at the start of a line is a label, not a place.</summary>
    private static bool IsLabel(string text, Word first, Word last)
    {
        var lineStart = first.Start == 0 || text.AsSpan(0, first.Start).TrimEnd(' ') is var before && (before.Length == 0 || before[^1] == '\n');
        return lineStart && last.End < text.Length && text[last.End] == ':';
    }

    /// <summary>Runs of capitalised words with a listed given name or surname; single words only when not everyday words.</summary>
    private void Persons(string text, List<Word> words, Claims claims, bool multiWordOnly)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!claims.Free(i)) continue;
            var w = words[i];
            if (w.Shape == Shape.Lower)
            {
                // "patricia desrosiers": lower-case only as a listed given name plus a listed surname.
                if (multiWordOnly && i + 1 < words.Count && claims.Free(i + 1) && words[i + 1].Shape == Shape.Lower && WordSplitter.Joinable(text, w, words[i + 1])
                    && _lists.FirstNames.Contains(text, w) && _lists.LastNames.Contains(text, words[i + 1]) && !IsCommon(text, w) && !IsCommon(text, words[i + 1]))
                {
                    claims.Claim(EntityKind.Person, i, i + 1);
                    i++;
                }
                continue;
            }
            if (!w.IsNameShaped) continue;
            var last = i;
            while (last + 1 < words.Count && last - i < MaxNameWords - 1 && claims.Free(last + 1) && words[last + 1].IsNameShaped && WordSplitter.Joinable(text, words[last], words[last + 1])) last++;
            // Everyday words at either end ("Hi Anna", "Anna Today") are not part of the name.
            var first = i;
            while (first <= last && IsCommon(text, words[first]) && !IsStrongName(text, words[first], words, first)) first++;
            while (last >= first && IsCommon(text, words[last]) && !IsStrongName(text, words[last], words, last)) last--;
            if (first > last) { i = Math.Max(i, last); continue; }
            if (words[first].Shape == Shape.Initial && first == last) continue;

            var names = 0;
            for (var j = first; j <= last; j++) if (IsName(text, words[j])) names++;
            var multi = last > first;
            if (multiWordOnly != multi) continue;
            bool accept;
            // Unlisted names: two or three capitalised words, none an everyday word ("Elínborg Guðmundsdóttir"), or an initial between.
            if (multi) accept = (names >= 1 && (IsName(text, words[first]) || IsName(text, words[last]) || words[first].Shape == Shape.Initial))
                                || (last - first <= 2 && words[first].Shape == Shape.Capitalised && words[last].Shape == Shape.Capitalised && NoneCommon(text, words, first, last));
            else
            {
                var single = words[first];
                var cue = PersonCues.Before(text, claims.Anchors, first) is not null;
                // An unlisted single word counts as a name after a strong cue ("last name? Okafor") or as a speaker label ("Ilse: ...").
                var strongCue = StrongPersonCues.Before(text, claims.Anchors, first) is not null;
                var label = IsLabel(text, single, single);
                accept = !IsCommon(text, single) && (single.Shape == Shape.Capitalised || cue || strongCue)
                         && !_lists.Nrp.Contains(text, single) && !_lists.JobWords.Contains(text, single)
                         && (IsName(text, single) || ((label || strongCue) && !_lists.Places.Contains(text, single)));
            }
            if (accept) claims.Claim(EntityKind.Person, first, last);
            i = last;
        }
    }

    /// <summary>A listed given name that is also an everyday word counts when another name word sits beside it.</summary>
    private bool IsStrongName(string text, Word w, List<Word> words, int index) =>
        _lists.FirstNames.Contains(text, w) && index + 1 < words.Count && WordSplitter.Joinable(text, w, words[index + 1]) && words[index + 1].IsNameShaped
        && _lists.LastNames.Contains(text, words[index + 1]) && !IsCommon(text, words[index + 1]);

    /// <summary>Nationalities, religions and political groups, singular or plural, any case.</summary>
    private void Nationalities(string text, List<Word> words, Claims claims)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (!claims.Free(i)) continue;
            var span = words[i].Span(text);
            var hit = _lists.Nrp.Contains(text, words[i])
                      || (span.Length > 4 && span[^1] == 's' && _lists.Nrp.Contains(span[..^1]))
                      || (span.Length > 5 && span.EndsWith("es", StringComparison.OrdinalIgnoreCase) && _lists.Nrp.Contains(span[..^2]));
            if (!hit) continue;
            // Lower-case words that are also everyday words ("green", "liberal") need a capital.
            if (words[i].Shape == Shape.Lower && IsCommon(text, words[i])) continue;
            claims.Claim(EntityKind.Nrp, i, i);
        }
    }
}
