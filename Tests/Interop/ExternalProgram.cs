using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Segmenter.Tests.Interop;

/// <summary>A program that is not ours (node, python3, kcat, the dotnet CLI) run to its end, its output captured.</summary>
internal static class ExternalProgram
{
    /// <param name="program">The program, by name on the PATH or by path.</param>
    /// <param name="arguments">Its arguments, each passed as one argument (no shell quoting).</param>
    /// <param name="timeout">Killed with its children, and the test failed, when it runs longer.</param>
    /// <param name="workingDirectory">Where it runs; the test's current directory when null.</param>
    /// <param name="environment">Variables set (or, with a null value, removed) on top of the test's environment.</param>
    public static async Task<ExternalRun> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {program} ({e.Message}): ./test.sh installs it (node and npm: from the machine; python3-kafka, kcat: Debian packages).", e);
        }

        using (process)
        {
            var output = new StringBuilder();
            var errors = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.StandardInput.Close();

            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout.TotalSeconds:0} s.\n{output}\n{errors}");
            }

            process.WaitForExit(); // the asynchronous readers have delivered every line once this returns
            lock (output)
            lock (errors)
                return new ExternalRun(process.ExitCode, output.ToString(), errors.ToString());
        }
    }
}

internal sealed record ExternalRun(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}
