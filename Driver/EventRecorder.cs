using Segmenter.Cli;
using Segmenter.Contracts;

namespace Segmenter.Driver;

/// <summary>
/// Writes every event the driver sends (<c>--record FILE</c>) as an events file, in send order, so that
/// <c>reader verify --input FILE</c> can check the pipeline's output against it, or <c>driver replay</c> send it again.
/// Faults are recorded as they were sent: a duplicate twice, a late event with its old timestamp, a lost one not at all.
/// </summary>
internal sealed class EventRecorder : IAsyncDisposable
{
    private readonly StreamWriter? _writer;

    private EventRecorder(StreamWriter? writer) => _writer = writer;

    /// <summary>A recorder into <paramref name="path"/>, or one that records nothing when it is null.</summary>
    public static EventRecorder Open(string? path)
    {
        if (path is null)
            return new EventRecorder(null);
        try
        {
            return new EventRecorder(new StreamWriter(path, append: false) { AutoFlush = false });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CommandFailedException.Usage($"--record {path}: cannot write the file: {e.Message}");
        }
    }

    public Task RecordAsync(string deviceId, Envelope envelope) =>
        _writer is null ? Task.CompletedTask : _writer.WriteLineAsync(EventLineWriter.ToJson(deviceId, envelope));

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
            await _writer.DisposeAsync();
    }
}
