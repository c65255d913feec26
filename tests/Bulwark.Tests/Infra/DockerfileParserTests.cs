using Bulwark.Infra;
using Bulwark.Infra.Parsing;

namespace Bulwark.Tests.Infra;

public class DockerfileParserTests
{
    private const string GpuDockerfile =
        "# syntax=docker/dockerfile:1.7\n" +                                                  // 1
        "ARG CUDA_VERSION=12.4.1\n" +                                                         // 2
        "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS build\n" +                            // 3
        "ENV OLLAMA_HOST=0.0.0.0 \\\n" +                                                      // 4
        "    MODEL_DIR=\"/models/llama 3\"\n" +                                               // 5
        "RUN apt-get update && \\\n" +                                                        // 6
        "    # a comment inside the continuation\n" +                                        // 7
        "    apt-get install -y curl\n" +                                                     // 8
        "RUN <<EOF\n" +                                                                       // 9
        "set -e\n" +                                                                          // 10
        "curl -fsSL https://ollama.com/install.sh | sh\n" +                                   // 11
        "EOF\n" +                                                                             // 12
        "\n" +                                                                                // 13
        "FROM --platform=linux/amd64 ubuntu:22.04 AS runtime\n" +                             // 14
        "COPY --from=build --chown=1000:1000 /usr/local/bin/ollama /usr/bin/ollama\n" +       // 15
        "EXPOSE 11434 8080/tcp\n" +                                                           // 16
        "USER root\n" +                                                                       // 17
        "USER 1000\n" +                                                                       // 18
        "CMD [\"ollama\", \"serve\"]\n";                                                      // 19

    private static InfraFile Parse(string text, InfraParseLimits? limits = null) =>
        DockerfileParser.Parse("Dockerfile", text, limits ?? InfraParseLimits.Default);

    private static (int, int) At(InfraValue value) => (value.Line, value.Column);

    private static (int, int) At(InfraParseError error) => (error.Line, error.Column);

    private static InfraMap Map(InfraMap map, string key) => Assert.IsType<InfraMap>(map.Get(key));

    private static InfraScalar Scalar(InfraMap map, string key) => Assert.IsType<InfraScalar>(map.Get(key));

    private static List<InfraMap> Instructions(InfraResource stage) =>
        [.. Assert.IsType<InfraList>(stage.Body.Get("instructions")).Items.Cast<InfraMap>()];

    private static InfraEntry Entry(InfraMap map, string key) => Assert.Single(map.Entries, e => e.Key == key);

    [Fact]
    public void A_multi_stage_gpu_dockerfile_gives_one_resource_per_stage()
    {
        var file = Parse(GpuDockerfile);

        Assert.Empty(file.Errors);
        Assert.Equal(InfraFormat.Dockerfile, file.Format);
        Assert.Equal(["build", "runtime"], file.Resources.Select(r => r.Name));
        Assert.Equal(["stage build", "stage runtime"], file.Resources.Select(r => r.Address));
        Assert.All(file.Resources, r => Assert.Equal("dockerfile:stage", r.Type));
        Assert.All(file.Resources, r => Assert.Equal("Dockerfile", r.Path));
        Assert.Equal(["from", "final", "env", "args", "globalArgs", "expose", "instructions"], file.Resources[0].Body.Entries.Select(e => e.Key));
        Assert.Equal(["from", "platform", "final", "user", "env", "args", "globalArgs", "expose", "instructions"], file.Resources[1].Body.Entries.Select(e => e.Key));
    }

    [Fact]
    public void The_build_stage_has_its_image_env_and_no_user()
    {
        var build = Parse(GpuDockerfile).Resources[0];

        Assert.Equal(3, build.Line);
        Assert.Equal((3, 1), At(build.Body));
        var from = Scalar(build.Body, "from");
        Assert.Equal("nvidia/cuda:12.4.1-runtime-ubuntu22.04", from.Text);
        Assert.Equal((3, 6), At(from));
        Assert.Equal(ScalarKind.Boolean, Scalar(build.Body, "final").Kind);
        Assert.True(Scalar(build.Body, "final").IsFalse);
        Assert.Null(build.Body.Get("user"));
        Assert.Null(build.Body.Get("platform"));

        var env = Map(build.Body, "env");
        Assert.Equal(["OLLAMA_HOST", "MODEL_DIR"], env.Entries.Select(e => e.Key));
        Assert.Equal("0.0.0.0", env.Text("OLLAMA_HOST"));
        Assert.Equal((4, 5), (Entry(env, "OLLAMA_HOST").Line, Entry(env, "OLLAMA_HOST").Column));
        Assert.Equal((4, 17), At(env.Get("OLLAMA_HOST")!));
        Assert.Equal("/models/llama 3", env.Text("MODEL_DIR"));
        Assert.Equal((5, 5), (Entry(env, "MODEL_DIR").Line, Entry(env, "MODEL_DIR").Column));
        Assert.Equal((5, 15), At(env.Get("MODEL_DIR")!));

        var globals = Map(build.Body, "globalArgs");
        Assert.Equal("12.4.1", globals.Text("CUDA_VERSION"));
        Assert.Equal((2, 5), (Entry(globals, "CUDA_VERSION").Line, Entry(globals, "CUDA_VERSION").Column));
        Assert.Empty(Map(build.Body, "args").Entries);
        Assert.Empty(Assert.IsType<InfraList>(build.Body.Get("expose")).Items);
    }

    [Fact]
    public void Continuations_join_with_one_space_and_skip_comment_lines()
    {
        var run = Instructions(Parse(GpuDockerfile).Resources[0])[2];

        Assert.Equal("RUN", run.Text("instruction"));
        Assert.Equal((6, 1), At(run));
        Assert.Equal("apt-get update && apt-get install -y curl", run.Text("arguments"));
        Assert.Equal((6, 5), At(run.Get("arguments")!));
        Assert.Empty(Map(run, "flags").Entries);
        Assert.Null(run.Get("exec"));
    }

    [Fact]
    public void A_heredoc_body_is_appended_to_the_arguments()
    {
        var run = Instructions(Parse(GpuDockerfile).Resources[0])[3];

        Assert.Equal((9, 1), At(run));
        Assert.Equal("<<EOF\nset -e\ncurl -fsSL https://ollama.com/install.sh | sh", run.Text("arguments"));
        var heredoc = Assert.IsType<InfraMap>(Assert.Single(Assert.IsType<InfraList>(run.Get("heredocs")).Items));
        Assert.Equal("EOF", heredoc.Text("name"));
        Assert.Equal((9, 5), At(heredoc.Get("name")!));
        Assert.Equal("set -e\ncurl -fsSL https://ollama.com/install.sh | sh", heredoc.Text("body"));
        Assert.Equal((10, 1), At(heredoc.Get("body")!));
    }

    [Fact]
    public void The_final_stage_has_platform_user_expose_flags_and_exec()
    {
        var runtime = Parse(GpuDockerfile).Resources[1];

        Assert.True(Scalar(runtime.Body, "final").IsTrue);
        Assert.Equal("ubuntu:22.04", runtime.Body.Text("from"));
        Assert.Equal((14, 29), At(runtime.Body.Get("from")!));
        Assert.Equal("linux/amd64", runtime.Body.Text("platform"));
        Assert.Equal((14, 17), At(runtime.Body.Get("platform")!));

        var user = Entry(runtime.Body, "user");
        Assert.Equal("1000", ((InfraScalar)user.Value).Text); // the last USER wins
        Assert.Equal((18, 1), (user.Line, user.Column));
        Assert.Equal((18, 6), At(user.Value));

        var expose = Assert.IsType<InfraList>(runtime.Body.Get("expose")).Items.Cast<InfraScalar>().ToList();
        Assert.Equal(["11434", "8080/tcp"], expose.Select(p => p.Text));
        Assert.Equal([(16, 8), (16, 14)], expose.Select(At));

        var instructions = Instructions(runtime);
        Assert.Equal(["FROM", "COPY", "EXPOSE", "USER", "USER", "CMD"], instructions.Select(i => i.Text("instruction")));
        Assert.Equal("linux/amd64", Map(instructions[0], "flags").Text("platform"));
        var copy = instructions[1];
        var flags = Map(copy, "flags");
        Assert.Equal(["from", "chown"], flags.Entries.Select(e => e.Key));
        Assert.Equal("build", flags.Text("from"));
        Assert.Equal((15, 6), (Entry(flags, "from").Line, Entry(flags, "from").Column));
        Assert.Equal((15, 13), At(flags.Get("from")!));
        Assert.Equal("1000:1000", flags.Text("chown"));
        Assert.Equal("/usr/local/bin/ollama /usr/bin/ollama", copy.Text("arguments"));
        Assert.Equal((15, 37), At(copy.Get("arguments")!));

        var cmd = instructions[5];
        Assert.Equal("[\"ollama\", \"serve\"]", cmd.Text("arguments"));
        var exec = Assert.IsType<InfraList>(cmd.Get("exec"));
        Assert.Equal((19, 5), At(exec));
        Assert.Equal(["ollama", "serve"], exec.Items.Cast<InfraScalar>().Select(s => s.Text));
        Assert.Equal([(19, 6), (19, 16)], exec.Items.Select(At));
    }

    [Fact]
    public void A_stage_without_alias_is_named_by_its_index()
    {
        var file = Parse("from alpine:3.20\nrun echo hi\nFROM scratch\n");

        Assert.Empty(file.Errors);
        Assert.Equal(["0", "1"], file.Resources.Select(r => r.Name));
        Assert.Equal("stage 0", file.Resources[0].Address);
        Assert.Equal(["FROM", "RUN"], Instructions(file.Resources[0]).Select(i => i.Text("instruction")));
    }

    [Fact]
    public void Instructions_and_the_as_keyword_are_case_insensitive_and_stage_names_lower_case()
    {
        var file = Parse("from python:3.12 as Builder\nCopy --FROM=x a b\n");

        Assert.Empty(file.Errors);
        Assert.Equal("builder", file.Resources[0].Name);
        Assert.Equal("COPY", Instructions(file.Resources[0])[1].Text("instruction"));
    }

    [Fact]
    public void The_escape_directive_makes_backtick_the_continuation_character()
    {
        var file = Parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo done\nWORKDIR c:\\app\\\nUSER ContainerUser\n");

        Assert.Empty(file.Errors);
        var instructions = Instructions(file.Resources[0]);
        Assert.Equal("dir c:\\ && echo done", instructions[1].Text("arguments"));
        Assert.Equal("c:\\app\\", instructions[2].Text("arguments")); // a backslash no longer continues the line
        Assert.Equal("ContainerUser", file.Resources[0].Body.Text("user"));
    }

    [Fact]
    public void Directives_are_only_read_before_anything_else()
    {
        var file = Parse("# a comment first\n# escape=`\nFROM alpine\nRUN echo a `\nb\n");

        var error = Assert.Single(file.Errors);
        Assert.Equal("unknown instruction: B", error.Message);
        Assert.Equal((5, 1), At(error));
        Assert.Equal("echo a `", Instructions(file.Resources[0])[1].Text("arguments"));
    }

    [Fact]
    public void A_repeated_or_invalid_escape_directive_is_an_error()
    {
        var repeated = Parse("#escape=`\n# ESCAPE = \\\nFROM alpine\n");
        Assert.Equal("only one escape parser directive can be used", Assert.Single(repeated.Errors).Message);
        Assert.Equal((2, 1), At(repeated.Errors[0]));

        var invalid = Parse("# escape=x\nFROM alpine\nRUN a \\\n b\n");
        Assert.Equal((1, 10), At(Assert.Single(invalid.Errors)));
        Assert.Equal("a b", Instructions(invalid.Resources[0])[1].Text("arguments"));
    }

    [Fact]
    public void Empty_continuation_lines_are_skipped()
    {
        var file = Parse("FROM alpine\nRUN apk add \\\n\n   \n    curl \\\n  \\\n    jq\n");

        Assert.Empty(file.Errors);
        Assert.Equal("apk add curl jq", Instructions(file.Resources[0])[1].Text("arguments"));
    }

    [Fact]
    public void An_escaped_escape_at_the_end_of_a_line_does_not_continue_it()
    {
        var file = Parse("FROM alpine\nRUN echo \\\\\nUSER app\n");

        Assert.Empty(file.Errors);
        Assert.Equal("echo \\\\", Instructions(file.Resources[0])[1].Text("arguments"));
        Assert.Equal("app", file.Resources[0].Body.Text("user"));
    }

    [Fact]
    public void Env_takes_quotes_escapes_references_and_the_legacy_form()
    {
        var file = Parse(
            "FROM alpine\n" +
            "ENV HOST=\"0.0.0.0\" GREETING=hello\\ world REF=${HOME}/models Q='single $x' E= D=\"a \\\"b\\\" \\$c\"\n" +
            "ENV PATH /usr/local/bin:$PATH\n" +
            "ENV HOST=127.0.0.1\n");

        Assert.Empty(file.Errors);
        var env = Map(file.Resources[0].Body, "env");
        Assert.Equal(["GREETING", "REF", "Q", "E", "D", "PATH", "HOST"], env.Entries.Select(e => e.Key));
        Assert.Equal("hello world", env.Text("GREETING"));
        Assert.Equal("${HOME}/models", env.Text("REF"));
        Assert.Equal("single $x", env.Text("Q"));
        Assert.Equal("", env.Text("E"));
        Assert.Equal("a \"b\" $c", env.Text("D"));
        Assert.Equal("/usr/local/bin:$PATH", env.Text("PATH"));
        Assert.Equal((3, 5), (Entry(env, "PATH").Line, Entry(env, "PATH").Column));
        Assert.Equal((3, 10), At(env.Get("PATH")!));
        Assert.Equal("127.0.0.1", env.Text("HOST")); // the last assignment wins, at its own place
        Assert.Equal((4, 5), (Entry(env, "HOST").Line, Entry(env, "HOST").Column));
        Assert.All(env.Entries, e => Assert.Equal(ScalarKind.Text, ((InfraScalar)e.Value).Kind));
    }

    [Fact]
    public void Env_errors_are_reported_where_they_are()
    {
        var file = Parse("FROM alpine\nENV A=1 B C=3\nENV LONELY\nENV Q=\"open\n");

        Assert.Equal([(2, 9), (3, 5), (4, 7)], file.Errors.Select(At));
        Assert.Contains("can't find =", file.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("two arguments", file.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("unterminated quote", file.Errors[2].Message, StringComparison.Ordinal);
        var env = Map(file.Resources[0].Body, "env");
        Assert.Equal("1", env.Text("A"));
        Assert.Equal("3", env.Text("C"));
        Assert.Equal("open", env.Text("Q"));
    }

    [Fact]
    public void Arg_defaults_are_text_and_missing_ones_null()
    {
        var file = Parse("ARG BASE=ubuntu:22.04\nFROM ${BASE}\nARG MODEL\nARG PORT=8080 TOKEN=\"\"\n");

        Assert.Empty(file.Errors);
        var stage = file.Resources[0].Body;
        Assert.Equal("${BASE}", stage.Text("from"));
        var args = Map(stage, "args");
        var model = Scalar(args, "MODEL");
        Assert.Equal(ScalarKind.Null, model.Kind);
        Assert.Equal((3, 5), At(model));
        Assert.Equal("8080", args.Text("PORT"));
        Assert.Equal((4, 10), At(args.Get("PORT")!));
        Assert.Equal("", args.Text("TOKEN"));
        Assert.Equal("ubuntu:22.04", Map(stage, "globalArgs").Text("BASE"));
    }

    [Fact]
    public void Flags_repeat_and_a_bare_flag_is_true()
    {
        var file = Parse("FROM python:3.12\nRUN --mount=type=secret,id=hf_token --mount=\"type=cache,target=/root/.cache\" pip install torch\nCOPY --link --chmod=755 run.sh /\n");

        var instructions = Instructions(file.Resources[0]);
        var run = Map(instructions[1], "flags");
        Assert.Equal(["type=secret,id=hf_token", "type=cache,target=/root/.cache"], run.GetAll("mount").Cast<InfraScalar>().Select(s => s.Text));
        Assert.Equal("pip install torch", instructions[1].Text("arguments"));
        var copy = Map(instructions[2], "flags");
        Assert.Equal(ScalarKind.Boolean, Scalar(copy, "link").Kind);
        Assert.True(Scalar(copy, "link").IsTrue);
        Assert.Equal("755", copy.Text("chmod"));
    }

    [Fact]
    public void Chomped_quoted_and_multiple_heredocs_are_read_in_order()
    {
        var file = Parse(
            "FROM alpine\n" +
            "RUN <<-\"SCRIPT\" sh\n" +
            "\techo $HOME\n" +
            "\tSCRIPT\n" +
            "COPY <<FILE1 <<FILE2 /app/\n" +
            "first\n" +
            "FILE1\n" +
            "second\n" +
            "FILE2\n" +
            "USER nobody\n");

        Assert.Empty(file.Errors);
        var instructions = Instructions(file.Resources[0]);
        Assert.Equal("<<-\"SCRIPT\" sh\necho $HOME", instructions[1].Text("arguments"));
        var heredocs = Assert.IsType<InfraList>(instructions[2].Get("heredocs")).Items.Cast<InfraMap>().ToList();
        Assert.Equal(["FILE1", "FILE2"], heredocs.Select(h => h.Text("name")));
        Assert.Equal(["first", "second"], heredocs.Select(h => h.Text("body")));
        Assert.Equal([(6, 1), (8, 1)], heredocs.Select(h => At(h.Get("body")!)));
        Assert.Equal("<<FILE1 <<FILE2 /app/\nfirst\nsecond", instructions[2].Text("arguments"));
        Assert.Equal("nobody", file.Resources[0].Body.Text("user"));
    }

    [Fact]
    public void Only_run_copy_and_add_in_the_shell_form_take_heredocs()
    {
        var file = Parse("FROM alpine\nCMD cat <<EOF\nRUN [\"cat\", \"<<EOF\"]\nONBUILD RUN <<EOF\necho later\nEOF\nUSER app\n");

        Assert.Empty(file.Errors);
        var instructions = Instructions(file.Resources[0]);
        Assert.Equal(["FROM", "CMD", "RUN", "ONBUILD", "USER"], instructions.Select(i => i.Text("instruction")));
        Assert.Null(instructions[1].Get("heredocs"));
        Assert.Null(instructions[2].Get("heredocs"));
        Assert.Equal("RUN <<EOF\necho later", instructions[3].Text("arguments"));
    }

    [Fact]
    public void An_unterminated_heredoc_runs_to_the_end_and_is_an_error_at_its_marker()
    {
        var file = Parse("FROM alpine\nRUN cat <<EOF > /etc/app.conf\nkey=value\nUSER app\n");

        var error = Assert.Single(file.Errors);
        Assert.Equal((2, 9), At(error));
        Assert.Contains("unterminated heredoc", error.Message, StringComparison.Ordinal);
        Assert.Null(file.Resources[0].Body.Get("user")); // Docker reads the rest as the body too
        Assert.StartsWith("cat <<EOF > /etc/app.conf\nkey=value\nUSER app", Instructions(file.Resources[0])[1].Text("arguments"), StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_falls_back_to_the_shell_form_as_docker_does()
    {
        var file = Parse("FROM alpine\nCMD [\"ollama\", serve]\nENTRYPOINT [\"a\"] trailing\nSHELL []\n");

        Assert.Empty(file.Errors);
        var instructions = Instructions(file.Resources[0]);
        Assert.Null(instructions[1].Get("exec"));
        Assert.Equal("[\"ollama\", serve]", instructions[1].Text("arguments"));
        Assert.Null(instructions[2].Get("exec"));
        Assert.Empty(Assert.IsType<InfraList>(instructions[3].Get("exec")).Items);
    }

    [Fact]
    public void A_json_array_of_non_strings_is_an_error_at_its_bracket()
    {
        var file = Parse("FROM alpine\nCMD  [\"sleep\", 10]\nUSER app\n");

        var error = Assert.Single(file.Errors);
        Assert.Equal((2, 6), At(error));
        Assert.Contains("strings only", error.Message, StringComparison.Ordinal);
        Assert.Null(Instructions(file.Resources[0])[1].Get("exec"));
        Assert.Equal("app", file.Resources[0].Body.Text("user"));
    }

    [Fact]
    public void Json_strings_are_decoded_and_healthcheck_cmd_takes_the_exec_form()
    {
        var file = Parse("FROM alpine\nENTRYPOINT [\"sh\", \"-c\", \"echo \\\"hi\\\" \\u0041\"]\nHEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost:11434\"]\n");

        Assert.Empty(file.Errors);
        var instructions = Instructions(file.Resources[0]);
        Assert.Equal(["sh", "-c", "echo \"hi\" A"], Assert.IsType<InfraList>(instructions[1].Get("exec")).Items.Cast<InfraScalar>().Select(s => s.Text));
        var health = Assert.IsType<InfraList>(instructions[2].Get("exec"));
        Assert.Equal(["curl", "-f", "http://localhost:11434"], health.Items.Cast<InfraScalar>().Select(s => s.Text));
        Assert.Equal((3, 32), At(health));
        Assert.Equal("30s", Map(instructions[2], "flags").Text("interval"));
    }

    [Fact]
    public void Unknown_instructions_and_instructions_before_from_are_errors_and_reading_goes_on()
    {
        var file = Parse("RUN echo early\nARG OK=1\nFROM alpine\n  FOO bar\nUSER app\nMAINTAINER\n");

        Assert.Equal([(1, 1), (4, 3), (6, 1)], file.Errors.Select(At));
        Assert.Equal("RUN before the first FROM: only ARG may come before it", file.Errors[0].Message);
        Assert.Equal("unknown instruction: FOO", file.Errors[1].Message);
        Assert.Equal("MAINTAINER requires at least one argument", file.Errors[2].Message);
        Assert.Equal("app", file.Resources[0].Body.Text("user"));
        Assert.Equal(["FROM", "USER"], Instructions(file.Resources[0]).Select(i => i.Text("instruction")));
    }

    [Fact]
    public void A_file_without_from_is_an_error()
    {
        var onlyArgs = Parse("ARG VERSION=1\n# nothing else\n");
        Assert.Empty(onlyArgs.Resources);
        Assert.Equal((1, 1), At(Assert.Single(onlyArgs.Errors)));
        Assert.Contains("no FROM", onlyArgs.Errors[0].Message, StringComparison.Ordinal);

        var empty = Parse("");
        Assert.Empty(empty.Resources);
        Assert.Single(empty.Errors);
    }

    [Fact]
    public void Bad_from_lines_are_errors_but_still_open_a_stage()
    {
        var file = Parse("FROM alpine extra\nUSER a\nFROM node AS 1bad\nFROM\nFROM x AS dup\nFROM y AS dup\n");

        Assert.Equal([(1, 1), (3, 14), (4, 1), (6, 11)], file.Errors.Select(At));
        Assert.Equal(["0", "1bad", "2", "dup", "dup"], file.Resources.Select(r => r.Name));
        Assert.Equal("a", file.Resources[0].Body.Text("user"));
        Assert.Null(file.Resources[2].Body.Get("from"));
    }

    [Fact]
    public void Crlf_line_ends_and_a_byte_order_mark_keep_columns()
    {
        var file = Parse("\uFEFFFROM alpine AS base\r\nENV A=1 \\\r\n    B=2\r\nUSER app\r\n");

        Assert.Empty(file.Errors);
        var body = file.Resources[0].Body;
        Assert.Equal((1, 6), At(body.Get("from")!));
        Assert.Equal("alpine", body.Text("from"));
        Assert.Equal("2", Map(body, "env").Text("B"));
        Assert.Equal((3, 7), At(Map(body, "env").Get("B")!));
        Assert.Equal("app", body.Text("user"));
    }

    [Fact]
    public void An_instruction_over_one_mebibyte_is_an_error_and_truncated()
    {
        var text = "FROM alpine\nRUN echo " + new string('a', (1 << 20) + 10) + " \\\n  more\nUSER app\n";

        var file = Parse(text);

        var error = Assert.Single(file.Errors);
        Assert.Equal((2, 1), At(error));
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
        Assert.True(Instructions(file.Resources[0])[1].Text("arguments")!.Length <= 1 << 20);
        Assert.Equal("app", file.Resources[0].Body.Text("user"));
    }

    [Fact]
    public void Errors_stop_at_max_errors_with_a_count_of_the_rest()
    {
        var text = "FROM alpine\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"BOGUS{i}\n"));

        var file = Parse(text, InfraParseLimits.Default with { MaxErrors = 5 });

        Assert.Equal(6, file.Errors.Count);
        Assert.Equal("25 more errors", file.Errors[5].Message);
        Assert.Equal((7, 1), At(file.Errors[5]));
    }

    [Fact]
    public void Values_stop_at_max_nodes()
    {
        var text = "FROM alpine\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"ENV V{i}=x\n"));

        var file = Parse(text, InfraParseLimits.Default with { MaxNodes = 200 });

        Assert.Contains(file.Errors, e => e.Message.StartsWith("more than 200 values", StringComparison.Ordinal));
        Assert.True(Map(file.Resources[0].Body, "env").Entries.Count < 200);
    }

    [Fact]
    public void Hostile_dockerfiles_are_read_in_linear_time()
    {
        string[] hostile =
        [
            "FROM a\nRUN x \\\n" + string.Concat(Enumerable.Repeat("  y \\\n", 400_000)),
            "FROM a\nENV " + string.Concat(Enumerable.Repeat("K=\"v w\" ", 300_000)),
            "FROM a\nRUN " + string.Concat(Enumerable.Repeat("<<EOF ", 200_000)) + "\n" + string.Concat(Enumerable.Repeat("EOF\n", 200_000)),
            "FROM a\n" + string.Concat(Enumerable.Repeat("RUN <<EOF\n", 300_000)),
            "FROM a\n" + string.Concat(Enumerable.Repeat("CMD [\"a\", 1, [[[[]]]]]\n", 100_000)),
            string.Concat(Enumerable.Repeat("# escape=`\n", 200_000)),
            "FROM a\n" + string.Concat(Enumerable.Repeat("BOGUS a b\n", 200_000)),
        ];
        foreach (var text in hostile)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var file = Parse(text);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{text[..40]}… took {clock.Elapsed}");
            Assert.All(file.Resources.SelectMany(Instructions), i => Assert.True(i.Text("arguments")!.Length <= 1 << 20));
        }
    }

    [Theory]
    [InlineData("Dockerfile", true)]
    [InlineData("deploy/dockerfile", true)]
    [InlineData("Containerfile", true)]
    [InlineData("images/Dockerfile.gpu", true)]
    [InlineData("ollama.Dockerfile", true)]
    [InlineData("api.dockerfile", true)]
    [InlineData("a\\b\\Dockerfile.cuda", true)]
    [InlineData("Dockerfile.dockerignore", false)]
    [InlineData(".dockerfile", false)]
    [InlineData("Dockerfile.", false)]
    [InlineData("Dockerfiles/readme.md", false)]
    [InlineData("docker-compose.yml", false)]
    public void Handles_dockerfile_names(string path, bool handled) => Assert.Equal(handled, DockerfileParser.Handles(path));
}
