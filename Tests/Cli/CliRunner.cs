using System.Diagnostics;
using Segmenter.Cli;
using Segmenter.Driver;
using Segmenter.Reader;

namespace Segmenter.Tests.Cli;

/// <summary>
/// Runs the Driver and Reader in process through their entry points (fast, output captured), or as real processes
/// (<c>dotnet Segmenter.Reader.dll ...</c>, as scripts run them) to prove the exit codes.
/// </summary>
internal static class CliRunner
{
    public static Task<CliResult> DriverAsync(params string[] args) => InProcessAsync(DriverCli.RunAsync, args);

    public static Task<CliResult> ReaderAsync(params string[] args) => InProcessAsync(ReaderCli.RunAsync, args);

    /// <summary>Runs <c>dotnet Segmenter.{cli}.dll args</c> from the test's output folder, where the build copies both CLIs.</summary>
    public static async Task<CliResult> ProcessAsync(string cli, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, $"Segmenter.{cli}.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    private static async Task<CliResult> InProcessAsync(Func<IReadOnlyList<string>, CliConsole, CancellationToken, Task<int>> run, string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await run(args, new CliConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error)), timeout.Token);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
