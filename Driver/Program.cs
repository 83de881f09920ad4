using Segmenter.Cli;

namespace Segmenter.Driver;

internal static class Program
{
    public static Task<int> Main(string[] args) => DriverCli.RunAsync(args, CliConsole.System, CancellationToken.None);
}
