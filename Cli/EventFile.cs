namespace Segmenter.Cli;

/// <summary>
/// An events file: JSON lines, one event per line (<see cref="EventLineParser.Format"/>), blank lines ignored. It is
/// read whole before anything is sent or checked, so a bad line stops the command with the line number and the reason
/// (exit code 2) and nothing half-done is left behind.
/// </summary>
public static class EventFile
{
    public static async Task<IReadOnlyList<EventLine>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw CommandFailedException.Usage($"{path}: no such file.");

        var lines = new List<EventLine>();
        var lineNumber = 0;
        using var reader = new StreamReader(path);
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            if (!EventLineParser.TryParse(text, lineNumber, out var line, out var reason))
                throw CommandFailedException.Usage($"{path}:{lineNumber}: {reason}.");
            lines.Add(line!);
        }

        return lines;
    }
}
