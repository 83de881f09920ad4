using System.Globalization;
using System.Text;
using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Output;

/// <summary>
/// Readable lines, as the demo's reader printed them: <c>time topic-partition@offset [device:session] event</c>. The time
/// is the event time (a summary's: its end).
/// </summary>
internal sealed class TextRecordFormatter : IRecordFormatter
{
    public string Format(TopicRecord record) => record switch
    {
        SessionEventRecord e => $"{TimestampText.Format(e.Envelope.Timestamp)} {e.Position} [{e.Key}] {e.Envelope.Event}{Seq(e.Envelope)}",
        SessionSummaryRecord s => $"{TimestampText.Format(s.Summary.Ended)} {s.Position} [{s.Key}] {Describe(s.Summary)}",
        InputEventRecord i => $"{TimestampText.Format(i.Envelope.Timestamp)} {i.Position} [{i.DeviceId}] {i.Envelope.Event}{Seq(i.Envelope)}",
        UndecodableRecord u => $"{u.Position} undecodable ({u.Error}): {u.Message}",
        _ => throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record)),
    };

    private static string Seq(Envelope envelope) =>
        envelope.Seq is { } seq ? string.Create(CultureInfo.InvariantCulture, $" seq={seq}") : "";

    private static string Describe(SessionSummary summary)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{summary.Reason} events={summary.EventCount} ");
        line.Append(CultureInfo.InvariantCulture, $"started={TimestampText.Format(summary.Started)} duration={(summary.Ended - summary.Started).TotalSeconds:0.###}s");
        if (summary.StartedWithoutWakeUp)
            line.Append(" started-without-wake-up");
        if (summary.DuplicatesDropped > 0)
            line.Append(CultureInfo.InvariantCulture, $" duplicates={summary.DuplicatesDropped}");
        if (summary.OutOfOrder > 0)
            line.Append(CultureInfo.InvariantCulture, $" out-of-order={summary.OutOfOrder}");
        foreach (var (name, m) in summary.Metrics)
            line.Append(CultureInfo.InvariantCulture, $" {name}(n={m.Count} min={m.Min:0.###} max={m.Max:0.###} mean={m.Mean:0.###} last={m.Last:0.###})");
        return line.ToString();
    }
}
