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

    /// <summary>
    /// Runs <c>dotnet Segmenter.{cli}.dll args</c> from the CLI's own build output (as a user runs it: its own
    /// dependency versions, not the test folder's), the same configuration and framework as this test assembly.
    /// </summary>
    public static Task<CliResult> ProcessAsync(string cli, params string[] args) => ProcessAsync(cli, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="ProcessAsync(string, string[])"/>, with these environment variables set (credentials, as operators pass them).</summary>
    public static async Task<CliResult> ProcessAsync(string cli, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        start.ArgumentList.Add(BuiltCli(cli));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>…/{cli}/bin/{configuration}/{framework}/Segmenter.{cli}.dll, beside this test assembly's own Tests/bin/….</summary>
    private static string BuiltCli(string cli)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Segmenter.sln")))
            root = root.Parent;
        var path = Path.Combine(root?.FullName ?? "", cli, "bin", configuration, framework, $"Segmenter.{cli}.dll");
        Assert.True(File.Exists(path), $"{path} does not exist: build the solution first.");
        return path;
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
