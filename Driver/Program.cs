using Segmenter.Cli;

namespace Segmenter.Driver;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var shutdown = new ShutdownSignal();
        return await DriverCli.RunAsync(args, CliConsole.System, shutdown.Token);
    }
}
