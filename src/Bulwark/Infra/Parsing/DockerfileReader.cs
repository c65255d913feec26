using System.Collections.Frozen;
using System.Text;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads a Dockerfile one instruction at a time: skips comments and blank lines, joins continuation lines (comment and
/// blank lines inside a continuation are dropped, as Docker does), splits off the keyword and flags, recognises the
/// exec form, and reads heredoc bodies. Every physical line is visited once, so the work is linear in the text.
/// </summary>
internal sealed class DockerfileReader
{
    private static readonly FrozenSet<string> Keywords = FrozenSet.ToFrozenSet(
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
        "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ExecForms = FrozenSet.ToFrozenSet(
        ["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"], StringComparer.Ordinal);

    /// <summary>Only these take heredocs, and only in the shell form (Docker's parser_heredoc.go).</summary>
    private static readonly FrozenSet<string> HeredocForms = FrozenSet.ToFrozenSet(["RUN", "COPY", "ADD"], StringComparer.Ordinal);

    private readonly DockerfileLines lines;
    private readonly TextParseBudget budget;
    private readonly int maxDepth;
    private int next;

    public DockerfileReader(string text, InfraParseLimits limits, TextParseBudget budget)
    {
        lines = new DockerfileLines(text);
        this.budget = budget;
        maxDepth = limits.MaxDepth;
        Escape = DockerfileDirectives.ReadEscape(lines, budget);
    }

    /// <summary>The escape and line-continuation character: <c>\</c>, or <c>`</c> after <c># escape=`</c>.</summary>
    public char Escape { get; }

    /// <summary>The next instruction, or null at the end of the file.</summary>
    public DockerfileInstruction? Next()
    {
        while (next < lines.Count)
        {
            var index = next++;
            if (DockerfileLines.IsBlankOrComment(lines[index])) continue;
            return Read(Join(index));
        }
        return null;
    }

    private DockerfileText Join(int index)
    {
        var text = new DockerfileText();
        var line = lines[index];
        var indent = DockerfileLines.Indent(line);
        var piece = line[indent..];
        var more = TrimContinuation(ref piece);
        text.Append(piece, index + 1, indent + 1);
        while (more && next < lines.Count)
        {
            line = lines[next++];
            if (DockerfileLines.IsBlankOrComment(line)) continue;
            indent = DockerfileLines.Indent(line);
            piece = line[indent..];
            more = TrimContinuation(ref piece);
            text.Append(piece, next, indent + 1);
        }
        return text;
    }

    /// <summary>Whether the line ends with the escape character (not itself escaped), which it then loses.</summary>
    private bool TrimContinuation(ref ReadOnlySpan<char> piece)
    {
        var trimmed = piece.TrimEnd(" \t");
        if (trimmed.IsEmpty || trimmed[^1] != Escape || (trimmed.Length > 1 && trimmed[^2] == Escape)) return false;
        piece = trimmed[..^1];
        return true;
    }

    private DockerfileInstruction Read(DockerfileText text)
    {
        var value = text.Value;
        var keywordEnd = 0;
        while (keywordEnd < value.Length && !char.IsWhiteSpace(value[keywordEnd])) keywordEnd++;
        var keyword = value[..keywordEnd].ToUpperInvariant();
        var known = Keywords.Contains(keyword);
        var offset = keywordEnd;
        var flags = ReadFlags(value, ref offset);
        var outcome = ReadExec(keyword, text, offset, out var exec, out var execOffset);
        var heredocs = known && outcome == DockerfileExecForm.Outcome.ShellForm && TakesHeredocs(keyword, value, offset) ? ReadHeredocs(text, offset) : [];
        var arguments = DockerfileHeredocs.AppendBodies(value[offset..], heredocs, out var bodiesTruncated);
        if (text.Truncated || bodiesTruncated)
        {
            var (line, column) = text.At(0);
            budget.Error($"{TextParseBudget.Shorten(keyword)} instruction is longer than {DockerfileText.MaxChars} characters: the rest is not read", line, column);
        }
        return new DockerfileInstruction
        {
            Keyword = keyword,
            Known = known,
            Text = text,
            ArgumentsOffset = offset,
            Arguments = arguments,
            Flags = flags,
            Exec = outcome == DockerfileExecForm.Outcome.Strings ? exec : null,
            ExecOffset = execOffset,
            Heredocs = heredocs,
        };
    }

    /// <summary>Leading <c>--name=value</c> words (Docker reads them for every instruction); <c>--</c> ends them.</summary>
    private static List<DockerfileFlag> ReadFlags(string value, ref int offset)
    {
        var flags = new List<DockerfileFlag>();
        while (true)
        {
            var start = offset;
            while (start < value.Length && char.IsWhiteSpace(value[start])) start++;
            if (start + 1 >= value.Length || value[start] != '-' || value[start + 1] != '-') break;
            DockerfileWords.Next(value, ref offset, DockerfileDirectives.DefaultEscape, out start, out var end);
            var raw = value.AsSpan(start, end - start);
            if (raw is "--") break;
            var word = DockerfileWords.Unquote(raw, DockerfileDirectives.DefaultEscape, out _)[2..];
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var rawEquals = raw.IndexOf('=');
            flags.Add(new DockerfileFlag(
                equals < 0 ? word : word[..equals], equals < 0 ? null : word[(equals + 1)..], start, rawEquals < 0 ? start : start + rawEquals + 1));
        }
        while (offset < value.Length && char.IsWhiteSpace(value[offset])) offset++;
        return flags;
    }

    private DockerfileExecForm.Outcome ReadExec(string keyword, DockerfileText text, int offset, out List<(string Value, int Offset)> exec, out int execOffset)
    {
        var value = text.Value;
        exec = [];
        execOffset = offset;
        if (keyword == "HEALTHCHECK")
        {
            // HEALTHCHECK [options] CMD command: the exec form follows the CMD word.
            if (!DockerfileWords.Next(value, ref offset, Escape, out var start, out var end)
                || !value.AsSpan(start, end - start).Equals("CMD", StringComparison.OrdinalIgnoreCase)) return DockerfileExecForm.Outcome.ShellForm;
        }
        else if (!ExecForms.Contains(keyword)) return DockerfileExecForm.Outcome.ShellForm;
        while (offset < value.Length && char.IsWhiteSpace(value[offset])) offset++;
        execOffset = offset;
        var outcome = DockerfileExecForm.Parse(value, offset, maxDepth, out exec);
        if (outcome == DockerfileExecForm.Outcome.NotStrings)
        {
            var (line, column) = text.At(offset);
            budget.Error($"{keyword}: when using JSON array syntax, arrays must be comprised of strings only", line, column);
        }
        return outcome;
    }

    /// <summary>RUN, COPY and ADD in the shell form, also behind ONBUILD.</summary>
    private bool TakesHeredocs(string keyword, string value, int offset)
    {
        if (HeredocForms.Contains(keyword)) return true;
        if (keyword != "ONBUILD" || !DockerfileWords.Next(value, ref offset, Escape, out var start, out var end)) return false;
        return HeredocForms.Contains(value[start..end].ToUpperInvariant())
            && DockerfileExecForm.Parse(value, offset, maxDepth, out _) == DockerfileExecForm.Outcome.ShellForm;
    }

    /// <summary>
    /// Each <c>&lt;&lt;NAME</c>, <c>&lt;&lt;-NAME</c> or <c>&lt;&lt;"NAME"</c> word takes the following lines up to a line that
    /// is exactly NAME (leading tabs removed for <c>&lt;&lt;-</c>), in order. An unterminated heredoc runs to the end
    /// of the file, as Docker reads it.
    /// </summary>
    private List<DockerfileHeredoc> ReadHeredocs(DockerfileText text, int offset)
    {
        var value = text.Value;
        var heredocs = new List<DockerfileHeredoc>();
        while (DockerfileWords.Next(value, ref offset, DockerfileDirectives.DefaultEscape, out var start, out var end))
        {
            if (!DockerfileHeredocs.TryMarker(value.AsSpan(start, end - start), out var name, out var chomp)) continue;
            var bodyLine = next + 1;
            var body = ReadBody(name, chomp, out var terminated);
            heredocs.Add(new DockerfileHeredoc(name, start, body, bodyLine));
            if (terminated) continue;
            var (line, column) = text.At(start);
            budget.Error($"unterminated heredoc: no line {Quote(name)} ends it", line, column);
            break;
        }
        return heredocs;
    }

    private string ReadBody(string name, bool chomp, out bool terminated)
    {
        var body = new StringBuilder();
        var first = true;
        while (next < lines.Count)
        {
            var line = lines[next++];
            if (chomp) line = line.TrimStart('\t');
            if (line.SequenceEqual(name))
            {
                terminated = true;
                return body.ToString();
            }
            // Bounded here too; AppendBodies reports the overflow once the bodies are joined.
            if (body.Length < DockerfileText.MaxChars)
            {
                if (!first) body.Append('\n');
                body.Append(line[..Math.Min(line.Length, DockerfileText.MaxChars + 1 - body.Length)]);
            }
            first = false;
        }
        terminated = false;
        return body.ToString();
    }

    private static string Quote(string name) => "'" + TextParseBudget.Shorten(name) + "'";
}
