using System.CommandLine;
using Bulwark.Cli;
using Bulwark.Cli.Commands;
using Bulwark.Kernel;
using Spectre.Console;

// Machine output goes to stdout, everything for people (tables, progress, errors) to stderr.
var stderr = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(Console.Error),
    Ansi = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? AnsiSupport.No : AnsiSupport.Detect,
});
var stdoutConsole = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(Console.Out),
    Ansi = Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? AnsiSupport.No : AnsiSupport.Detect,
});

// Piped or captured output has no terminal width; 80 columns would wrap rule ids and paths mid-word.
if (Console.IsOutputRedirected) stdoutConsole.Profile.Width = 200;

var root = new RootCommand("Bulwark: secure generative AI across data, model, usage, infrastructure and governance")
{
    ScanCommand.Create(stdoutConsole, stderr, Console.Out),
    DetectCommand.Create(Console.In, Console.Out, Console.Error),
    ClassifyCommand.Create(Console.In, Console.Out, Console.Error),
    GuardCommand.Create(Console.In, Console.Out, Console.Error),
    RulesCommand.Create(stdoutConsole, Console.Out),
    UsageCommand.Create(stderr),
    DataCommand.Create(stdoutConsole, Console.Out),
    ModelCommand.Create(stdoutConsole, stderr, Console.Out, Console.Error),
    InfraCommand.Create(stdoutConsole, stderr, Console.Out),
    DiscoverCommand.Create(stdoutConsole, stderr, Console.Out),
    GovCommand.Create(stdoutConsole, stderr, Console.Out),
};
foreach (var command in RedactCommand.Create(Console.In, Console.Out, Console.Error)) root.Subcommands.Add(command);
foreach (var command in GatewayCommand.Create(stdoutConsole, Console.Out, Console.Error)) root.Subcommands.Add(command);
root.Options.Add(CommonOptions.Verbose);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"bulwark: {error.Message}");
    Console.Error.WriteLine("Run 'bulwark --help' for usage.");
    return ExitCodes.InputError;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token);
}
catch (BulwarkInputException e)
{
    Console.Error.WriteLine($"bulwark: {e.Message}");
    if (parse.GetValue(CommonOptions.Verbose)) Console.Error.WriteLine(e);
    return ExitCodes.InputError;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("bulwark: cancelled");
    return ExitCodes.Cancelled;
}
