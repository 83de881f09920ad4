using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Reader;

/// <summary>
/// The reader's command line: without a command it follows a topic and prints its records; <c>verify</c> checks the
/// output against an input file; <c>stats</c> shows live figures. Tests run it in process through <see cref="RunAsync"/>.
/// </summary>
public static class ReaderCli
{
    public static RootCommand CreateRootCommand(CliConsole console) => CreateRootCommand(console, out _);

    /// <param name="redact">Masks the secrets of the connection settings the command reads, in what the CLI prints.</param>
    internal static RootCommand CreateRootCommand(CliConsole console, out Func<string, string> redact)
    {
        var common = new ReaderCommonOptions();
        redact = common.Connection.Redact;
        var root = new RootCommand(
            "Segmenter reader: reads Segmenter's topics (Avro, through the schema registry). Without a command it follows a topic "
            + "(session-events by default) and prints each record: as time topic-partition@offset [device:session] event, or "
            + "with --format jsonl as one JSON object per record.");
        common.AddTo(root);
        new FollowCommand(common, console).Configure(root);
        root.Subcommands.Add(new VerifyCommand(common, console).Create());
        root.Subcommands.Add(new StatsCommand(common, console).Create());
        return root;
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken) =>
        CommandLineApp.RunAsync(CreateRootCommand(console, out var redact), args, console, cancellationToken, redact);
}
