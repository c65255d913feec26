using System.Buffers;

namespace Bulwark.Usage;

/// <summary>
/// The parts of a prepared prompt that the classifier scores: the whole text, then, when it is longer than a window,
/// each sentence (long sentences in overlapping windows): an instruction buried in a long document is judged on its
/// own, a long jailbreak template on the whole. Scoring walks this struct in place, so a long document's hundreds of
/// windows cost no allocation; training lists the same windows with <see cref="Of"/>.
/// </summary>
public struct PromptWindows(string text)
{
    private static readonly SearchValues<char> SentenceEnds = SearchValues.Create("\n.!?");

    private int _sentenceStart;   // start of the sentence being looked for
    private int _scan;            // next character to test for a sentence end
    private int _window = -1;     // next window start inside the current sentence; -1 when none
    private int _sentenceStop;
    private bool _wholeDone;

    public bool Next(out int start, out int length)
    {
        if (!_wholeDone)
        {
            _wholeDone = true;
            (start, length) = (0, text.Length);
            if (text.Length <= PromptAttackClassifier.WindowChars) _scan = text.Length + 1; // the whole text is the only window
            return true;
        }
        while (true)
        {
            if (_window >= 0)
            {
                start = _window;
                length = Math.Min(PromptAttackClassifier.WindowChars, _sentenceStop - _window);
                _window = _window + PromptAttackClassifier.WindowChars >= _sentenceStop ? -1 : _window + PromptAttackClassifier.WindowStep;
                return true;
            }
            if (_scan > text.Length)
            {
                (start, length) = (0, 0);
                return false;
            }
            if (_scan < text.Length)
            {
                // Only these characters can end a sentence: jump to the next one (a vectorised search).
                var next = text.AsSpan(_scan).IndexOfAny(SentenceEnds);
                _scan = next < 0 ? text.Length : _scan + next;
            }
            var i = _scan++;
            var end = i == text.Length || text[i] == '\n' || (text[i] is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!end) continue;
            var stop = Math.Min(text.Length, i + 1);
            if (stop - _sentenceStart >= PromptAttackClassifier.MinSentenceChars)
            {
                _window = _sentenceStart;
                _sentenceStop = stop;
            }
            _sentenceStart = stop;
        }
    }

    public static List<(int Start, int Length)> Of(string text)
    {
        var windows = new List<(int, int)>();
        var walker = new PromptWindows(text);
        while (walker.Next(out var start, out var length)) windows.Add((start, length));
        return windows;
    }
}
