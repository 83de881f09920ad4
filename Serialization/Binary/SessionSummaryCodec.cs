using System.Buffers;
using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// Writes <c>sessions.SessionSummary</c> in Avro's binary encoding directly (see <see cref="EnvelopeCodec"/>): the same
/// bytes as Confluent's serializer of the generic record (tested), at a fraction of the cost. At a few devices with
/// short sessions a summary goes out every few events, and the generic path was the biggest single cost of a delivery
/// (Benchmarks/README.md). Reading summaries stays on the general path: only the readers read them.
/// </summary>
internal sealed class SessionSummaryCodec(RegistrySchemas schemas) : IAsyncSerializer<SessionSummary>
{
    public async Task<byte[]> SerializeAsync(SessionSummary data, SerializationContext context)
    {
        var id = await schemas.IdAsync(ConfluentFraming.Subject(context), ContractSchemas.SessionSummary);
        var buffer = new ArrayBufferWriter<byte>(96 + (48 * data.Metrics.Count));
        var writer = new AvroBinaryWriter(buffer);
        writer.WriteFraming(id);
        writer.WriteString(data.DeviceId);
        writer.WriteString(data.SessionId);
        writer.WriteLong(data.Started.ToUnixTimeMilliseconds());
        writer.WriteLong(data.Ended.ToUnixTimeMilliseconds());
        writer.WriteLong(data.EventCount);
        writer.WriteLong((int)data.Reason); // enum: the symbol's index, in the schema's order (CloseReason's)
        writer.WriteBoolean(data.StartedWithoutWakeUp);
        writer.WriteLong(data.DuplicatesDropped);
        writer.WriteLong(data.OutOfOrder);
        // A map is written as one block of entries and an empty block; no entries, only the empty block.
        if (data.Metrics.Count > 0)
        {
            writer.WriteLong(data.Metrics.Count);
            foreach (var (name, metric) in data.Metrics)
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
        return buffer.WrittenSpan.ToArray();
    }
}
