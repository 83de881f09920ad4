using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Delivery;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// Packs the decoded records of one read into one <see cref="KafkaBatchContainer"/> per stream, each stream's events in
/// offset order with their offsets (the events' sequence tokens) and the records they came from (what delivery
/// dead-letters if it gives up). Poison records produce no event; they count as read through the last container.
/// </summary>
internal sealed class RecordBatchPacker(int partition, DeliveryFailurePolicy failures, SiloAddress? reader)
{
    public IList<IBatchContainer> Pack(DecodedBatch batch)
    {
        var streams = new Dictionary<StreamId, (List<long> Offsets, List<object> Events, List<ConsumeResult<byte[], byte[]>> Records)>();
        var order = new List<StreamId>();
        foreach (var decoded in batch.Handled)
        {
            if (decoded.IsPoison)
                continue;
            var streamId = decoded.Result.StreamId;
            if (!streams.TryGetValue(streamId, out var stream))
            {
                streams[streamId] = stream = ([], [], []);
                order.Add(streamId);
            }

            stream.Offsets.Add(decoded.Offset);
            stream.Events.Add(decoded.Result.Event!);
            stream.Records.Add(decoded.Record);
        }

        // First appearance order is first-offset order, which the cache relies on for its commit watermark. The last
        // container carries the read's end, so dead-lettered records count as read only once the agent took the read.
        var containers = new List<IBatchContainer>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var (offsets, events, records) = streams[order[i]];
            containers.Add(new KafkaBatchContainer(order[i], partition, [.. offsets], [.. events], i == order.Count - 1 ? batch.LastHandledOffset : -1)
                .WithDelivery(records, failures).ReadOn(reader));
        }

        return containers;
    }
}
