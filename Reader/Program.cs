using Segmenter.Cli;

namespace Segmenter.Reader;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var shutdown = new ShutdownSignal();
        return await ReaderCli.RunAsync(args, CliConsole.System, shutdown.Token);
    }
}
