using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>
/// The driver's command line: <c>demo</c> (the default), <c>load</c> and <c>replay</c>, all producing Avro events
/// through the schema registry to the silo's input topic. Tests run it in process through <see cref="RunAsync"/>.
/// </summary>
public static class DriverCli
{
    public static RootCommand CreateRootCommand(CliConsole console) => CreateRootCommand(console, out _);

    /// <param name="redact">Masks the secrets of the connection settings the command reads, in what the CLI prints.</param>
    internal static RootCommand CreateRootCommand(CliConsole console, out Func<string, string> redact)
    {
        var common = new DriverCommonOptions();
        redact = common.Connection.Redact;
        var root = new RootCommand(
            "Segmenter driver: produces device events (Avro, through the schema registry) to the silo's input topic. "
            + "Without a command it runs the demo. " + DemoCommand.Summary);
        common.AddTo(root);
        var demo = new DemoCommand(common, console);
        demo.Configure(root);
        root.Subcommands.Add(demo.Create());
        root.Subcommands.Add(new LoadCommand(common, console).Create());
        root.Subcommands.Add(new ReplayCommand(common, console).Create());
        return root;
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken) =>
        CommandLineApp.RunAsync(CreateRootCommand(console, out var redact), args, console, cancellationToken, redact);
}
