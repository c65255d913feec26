using System.CommandLine;
using Bulwark.Governance.Assessment;
using Bulwark.Kernel;
using Bulwark.Scanning;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov questionnaire [--output FILE]</c>: a blank <c>ai-questionnaire.yaml</c> with every question of
/// <c>gov assess</c>. An existing file is never overwritten without <c>--force</c>: it may hold a team's answers.
/// </summary>
internal static class GovQuestionnaireCommand
{
    public static Command Create(IAnsiConsole stderr, TextWriter rawStdout)
    {
        var output = new Option<string?>("--output", "-o") { Description = $"Write the template to this file (e.g. {ProjectAssessment.QuestionnaireFile}) instead of stdout" };
        var force = new Option<bool>("--force") { Description = "Replace the output file if it exists" };
        var command = new Command("questionnaire", "Write a blank questionnaire for gov assess: every organisational question by pillar, with its text and weight")
        {
            output, force,
        };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(output);
            if (target is not null && File.Exists(target) && !parse.GetValue(force))
                throw new BulwarkInputException($"{target} exists (it may hold answers): pass --force to replace it");
            var template = QuestionnaireTemplate.Write();
            ReportOutput.Deliver(ReportOutput.Text(w => w.Write(template)), target, rawStdout, stderr, $"{AssessmentChecks.Embedded.Questions.Count} questions");
            return ExitCodes.Clean;
        });
        return command;
    }
}
