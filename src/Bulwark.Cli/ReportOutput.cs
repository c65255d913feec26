using System.Text;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli;

/// <summary>
/// How a command delivers a report: to stdout in one write, or atomically to <c>--output</c> (an interrupted or
/// failed run keeps the old file) with a one-line summary on stderr.
/// </summary>
internal static class ReportOutput
{
    public static void Deliver(Action<Stream> write, string? output, TextWriter stdout, IAnsiConsole stderr, string summary)
    {
        if (output is null)
        {
            using var buffer = new MemoryStream();
            write(buffer);
            stdout.Write(Encoding.UTF8.GetString(buffer.ToArray()));
            stdout.Flush();
            return;
        }
        AtomicFile.Write(output, write);
        stderr.MarkupLineInterpolated($"[grey]{summary}; report written to {output}[/]");
    }

    /// <summary>
    /// A report in the formats the governance commands offer: <c>table</c> drawn on the terminal, or json, md, html, or
    /// a plain-text table, delivered as <see cref="Deliver(Action{Stream}, string?, TextWriter, IAnsiConsole, string)"/> does.
    /// </summary>
    public static void Deliver(string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout, string summary,
        Action<IAnsiConsole> render, Action<Stream> json, Action<TextWriter> markdown, Action<TextWriter> html)
    {
        if (format == "table" && output is null)
        {
            render(stdout);
            return;
        }
        Action<Stream> write = format switch
        {
            "json" => json,
            "md" => Text(markdown),
            "html" => Text(html),
            _ => PlainConsole(render),
        };
        Deliver(write, output, rawStdout, stderr, summary);
    }

    /// <summary>A report written as text (UTF-8, no byte-order mark).</summary>
    public static Action<Stream> Text(Action<TextWriter> write) => stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        write(writer);
    };

    /// <summary>A console rendering (tables) as plain text for a file: no colours, and wide enough that rows do not wrap.</summary>
    public static Action<Stream> PlainConsole(Action<IAnsiConsole> render) => Text(writer => render(PlainConsole(writer)));

    public static IAnsiConsole PlainConsole(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 200;
        return console;
    }
}
