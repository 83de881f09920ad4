using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Segmenter.Embedded.Redis;

/// <summary>
/// A local <c>redis-server</c> run as a child process on 127.0.0.1: for the embedded profile and for tests, which
/// talk to a real Redis, never a fake. Data lives under a folder of its own (or nowhere, when not persistent).
/// Stopped (and its process tree killed) on dispose.
/// </summary>
public sealed partial class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RedisServerProcess(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string DataDirectory { get; }

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>redis-server</c> (found on PATH, or at <paramref name="executable"/>) on <paramref name="port"/>
    /// (0 picks a free one) and waits until it answers PING.
    /// </summary>
    /// <param name="dataDirectory">Where Redis keeps its files; a new temporary folder when null.</param>
    /// <param name="persistent">Append-only persistence on (the embedded profile) or off (tests).</param>
    public static async Task<RedisServerProcess> StartAsync(
        int port = 0, string? dataDirectory = null, bool persistent = false, string? executable = null, CancellationToken cancellationToken = default)
    {
        var binary = executable ?? FindOnPath("redis-server") ?? throw new RedisServerNotFoundException();
        if (port == 0)
            port = FreePort();
        dataDirectory ??= Directory.CreateTempSubdirectory("segmenter-redis-").FullName;
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dataDirectory,
            "--save", "", "--appendonly", persistent ? "yes" : "no", "--protected-mode", "yes", "--daemonize", "no",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var server = new RedisServerProcess(process, port, dataDirectory);
        process.OutputDataReceived += (_, e) => server.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => server.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(15), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the server at once (a crash, for drills).</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Stops the server process (SIGSTOP): it keeps its data and its connections but answers nothing (drills).</summary>
    public void Pause() => Signal(19);

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public void Resume() => Signal(18);

    private void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"Could not send signal {signal} to redis-server {_process.Id}.");
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>What the server printed so far (for error messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // The reason is usually the last line redis-server wrote: wait until the output readers reached the end of
                // its streams (WaitForExitAsync does, a timed WaitForExit does not), bounded in case something holds them.
                try
                {
                    await _process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Report what was read so far.
                }

                throw DamagedData(Output) ?? new InvalidOperationException($"redis-server exited with code {_process.ExitCode}: {Output}");
            }
            if (await AnswersPingAsync(cancellationToken))
                return;
            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"redis-server did not answer on port {Port} within {timeout.TotalSeconds:0} s: {Output}");
    }

    /// <summary>
    /// redis-server refuses to start on an append-only file that is damaged or half written (a copied directory, a disk
    /// that filled up, a manifest without its files): say so, name the directory and what to do, instead of its log.
    /// </summary>
    private InvalidOperationException? DamagedData(string output)
    {
        if (DamagedDataReason(output) is not { } reason)
            return null;
        return new InvalidOperationException(
            $"The Redis data in {DataDirectory} is damaged or incomplete, and redis-server refuses to start on it ({reason}). " +
            $"It holds only the embedded profile's device state: move the directory away (or delete it) to start with empty state, " +
            $"or try 'redis-check-aof --fix {Path.Combine(DataDirectory, "appendonlydir", "appendonly.aof.manifest")}' to keep what can be kept.");
    }

    /// <summary>
    /// redis-server's own fatal line about unreadable data in its output, without pid, role and time; null when it
    /// stopped for another reason. Not any mention of AOF: a healthy start logs "Creating AOF base file" too, and a port
    /// conflict after it must not be reported as damaged data.
    /// </summary>
    internal static string? DamagedDataReason(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => DamagedDataLines.Any(sign => l.Contains(sign, StringComparison.Ordinal)));
        return line?[(line.IndexOf('#', StringComparison.Ordinal) + 1)..].Trim();
    }

    /// <summary>What redis-server 7 logs (as a warning, then exits) when it cannot load its append-only files.</summary>
    private static readonly string[] DamagedDataLines =
    [
        "Bad file format reading the append only file",
        "Unrecoverable error reading the append only file",
        "Unable to obtain the AOF file",
        "Invalid AOF manifest file format",
    ];

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
