using System.Diagnostics;
using System.Text;
using Bulwark.Infra;
using Bulwark.Infra.Parsing;
using Bulwark.Tests.Models;

namespace Bulwark.Tests.Infra;

/// <summary>
/// Seeded mutations of valid Dockerfiles and .env files: the parsers never throw, every error points inside the text,
/// every value has a 1-based place, and each input is read within a time bound.
/// </summary>
[Collection(SerialFuzzing.Name)]
public class DockerfileAndDotEnvFuzzTests
{
    private static readonly string[] Dockerfiles =
    [
        "# syntax=docker/dockerfile:1\nARG CUDA=12.4.1\nFROM nvidia/cuda:${CUDA}-runtime AS build\nENV OLLAMA_HOST=0.0.0.0 \\\n    A=\"b c\"\nRUN <<EOF\napt-get update\nEOF\nFROM --platform=linux/amd64 ubuntu AS final\nCOPY --from=build /a /b\nEXPOSE 11434\nUSER 1000\nCMD [\"ollama\", \"serve\"]\n",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\nENV PATH c:\\bin;$PATH\nENTRYPOINT [\"cmd\", \"/c\"]\n",
        "FROM python:3.12-slim\nRUN --mount=type=secret,id=hf pip install vllm \\\n  # comment\n  torch\nCOPY <<A <<-B /app/\nx\nA\n\ty\n\tB\nARG MODEL\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost:8000\"]\nONBUILD RUN <<EOF\necho\nEOF\n",
    ];

    private static readonly string[] DotEnvs =
    [
        "# local\nexport OLLAMA_HOST=0.0.0.0\nOPENAI_API_KEY = sk-test # comment\nEMPTY=\nBARE\nS='lit $x'\nD=\"a\\nb \\\"q\\\"\"\nM=\"one\ntwo\"\n",
        "\uFEFFA=1\r\nB='x\r\ny'\r\nC = \"z\" # c\r\n",
    ];

    private static readonly string[] Insertions = ["\\", "`", "\"", "'", "<<EOF", "<<-EOF\n", "[", "]", "\n", "\r\n", "=", "#", "--", " AS ", "\nEOF\n", "\u0000", "\uFEFF", "\\\n"];

    [Fact]
    public void Mutated_dockerfiles_never_throw_and_errors_point_inside_the_text() =>
        Fuzz(Dockerfiles, 8000, 20260612, text => DockerfileParser.Parse("Dockerfile", text, InfraParseLimits.Default with { MaxNodes = 50_000 }));

    [Fact]
    public void Mutated_dotenv_files_never_throw_and_errors_point_inside_the_text() =>
        Fuzz(DotEnvs, 8000, 20260613, text => DotEnvParser.Parse(".env", text, InfraParseLimits.Default with { MaxNodes = 50_000 }));

    private static void Fuzz(string[] seeds, int count, int seed, Func<string, InfraFile> parse)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var withErrors = 0;
        for (var i = 0; i < count; i++)
        {
            var text = Mutate(seeds[i % seeds.Length], random);
            var watch = Stopwatch.StartNew();
            var file = parse(text);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"mutation {i} took {watch.Elapsed}");
            AssertPlaces(text, file, i);
            if (file.Errors.Count > 0) withErrors++;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {clock.Elapsed}");
        Assert.InRange(withErrors, 1, count - 1); // the mutations reach both the error paths and clean parses
    }

    private static void AssertPlaces(string text, InfraFile file, int mutation)
    {
        var lines = text.Split('\n');
        Assert.True(file.Errors.Count <= InfraParseLimits.Default.MaxErrors + 1, $"mutation {mutation}: {file.Errors.Count} errors");
        foreach (var error in file.Errors)
        {
            Assert.True(error.Line >= 1 && error.Line <= lines.Length, $"mutation {mutation}: {error} outside {lines.Length} lines");
            Assert.True(error.Column >= 1 && error.Column <= lines[error.Line - 1].Length + 1, $"mutation {mutation}: {error} outside its line");
        }
        foreach (var resource in file.Resources) AssertValues(resource.Body, mutation);
    }

    private static void AssertValues(InfraValue value, int mutation)
    {
        Assert.True(value.Line >= 1 && value.Column >= 1, $"mutation {mutation}: {value} at {value.Line}:{value.Column}");
        switch (value)
        {
            case InfraMap map:
                foreach (var entry in map.Entries)
                {
                    Assert.True(entry.Line >= 1 && entry.Column >= 1, $"mutation {mutation}: key {entry.Key}");
                    AssertValues(entry.Value, mutation);
                }
                break;
            case InfraList list:
                foreach (var item in list.Items) AssertValues(item, mutation);
                break;
        }
    }

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(7))
            {
                case 0: text[at] = (char)(text[at] ^ (1 << random.Next(7))); break; // bit flip
                case 1: text[at] = (char)random.Next(0x20, 0x7f); break;
                case 2: text.Length = at; break; // truncate
                case 3: text.Insert(at, Insertions[random.Next(Insertions.Length)]); break;
                case 4: text.Insert(at, new string((char)random.Next(0x21, 0x7f), random.Next(100, 20_000))); break; // long line
                case 5: text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at)); break;
                default: text.Insert(at, string.Concat(Enumerable.Repeat(Insertions[random.Next(Insertions.Length)], random.Next(2, 200)))); break;
            }
        }
        return text.ToString();
    }
}
