using Segmenter.Cli;

namespace Segmenter.Reader;

internal static class Program
{
    public static Task<int> Main(string[] args) => ReaderCli.RunAsync(args, CliConsole.System, CancellationToken.None);
}
