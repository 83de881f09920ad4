using Avro;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// The binary layout of <c>sessions.SessionSummary</c>, written directly (see <see cref="IBinaryLayout{T}"/>): at a few
/// devices with short sessions a summary goes out every few events, and the generic path was the biggest single cost of
/// a delivery (Benchmarks/README.md). Reading summaries stays on the general path: only the readers read them.
/// </summary>
internal sealed class SessionSummaryLayout : IBinaryLayout<SessionSummary>
{
    public static readonly SessionSummaryLayout Instance = new();

    public int SizeHint(SessionSummary value) => 96 + (48 * value.Metrics.Count);

    public void Write(AvroBinaryWriter writer, SessionSummary value)
    {
        writer.WriteString(value.DeviceId);
        writer.WriteString(value.SessionId);
        writer.WriteLong(value.Started.ToUnixTimeMilliseconds());
        writer.WriteLong(value.Ended.ToUnixTimeMilliseconds());
        writer.WriteLong(value.EventCount);
        writer.WriteLong((int)value.Reason); // enum: the symbol's index, in the schema's order (CloseReason's)
        writer.WriteBoolean(value.StartedWithoutWakeUp);
        writer.WriteLong(value.DuplicatesDropped);
        writer.WriteLong(value.OutOfOrder);
        // A map is written as one block of entries and an empty block; no entries, only the empty block.
        if (value.Metrics.Count > 0)
        {
            writer.WriteLong(value.Metrics.Count);
            foreach (var (name, metric) in value.Metrics)
            {
                writer.WriteString(name);
                writer.WriteLong(metric.Count);
                writer.WriteDouble(metric.Min);
                writer.WriteDouble(metric.Max);
                writer.WriteDouble(metric.Mean);
                writer.WriteDouble(metric.Last);
            }
        }

        writer.WriteLong(0);
    }

    public BinaryRead<SessionSummary>? ReaderFor(RecordSchema writer) => null;
}
