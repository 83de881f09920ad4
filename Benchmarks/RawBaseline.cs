using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Benchmarks;

/// <summary>
/// The machine's limit without Orleans and Redis: one Confluent.Kafka loop that consumes <c>events</c>, decodes Avro,
/// segments with the same engine in an in-process dictionary and produces the re-keyed events (Avro) to an output topic.
/// </summary>
internal static class RawBaseline
{
    public static async Task<ColumnResult> RunAsync(BenchInfrastructure infrastructure, string inputTopic, int partitions, int expected)
    {
        var output = $"{inputTopic}-raw-out";
        infrastructure.CreateTopic(output, partitions);
        var engine = new SessionSegmenter(new SegmentationOptions());
        var states = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
        var results = new SegmentationOutput();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = infrastructure.BootstrapServers,
            GroupId = $"{inputTopic}-raw",
            EnableAutoCommit = false,
            QueuedMaxMessagesKbytes = 4096,
        }).Build();
        using var producer = infrastructure.NewProducer(lingerMs: 5);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(inputTopic, p, Offset.Beginning)));
        var serdes = infrastructure.Serdes;
        var outKey = new SerializationContext(MessageComponentType.Key, output);
        var outValue = new SerializationContext(MessageComponentType.Value, output);

        using var sampler = ResourceSampler.Start(infrastructure.RedisPid);
        var consumed = 0;
        var produced = 0;
        while (consumed < expected)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } record)
                continue;
            consumed++;
            var device = await serdes.DeviceDeserializer.DeserializeAsync(record.Message.Key, false, new SerializationContext(MessageComponentType.Key, inputTopic));
            var envelope = await serdes.EnvelopeDeserializer.DeserializeAsync(record.Message.Value, false, new SerializationContext(MessageComponentType.Value, inputTopic));
            if (!states.TryGetValue(device.Id, out var state))
                states[device.Id] = state = new DeviceState { DeviceId = device.Id };
            results.Clear();
            engine.Apply(state, new IncomingEvent(envelope, new SourcePosition(record.Partition.Value, record.Offset.Value), DateTimeOffset.UtcNow), results);
            foreach (var sessionEvent in results.Events)
            {
                var message = new Message<byte[], byte[]>
                {
                    Key = await serdes.SessionKeySerializer.SerializeAsync(sessionEvent.Key, outKey),
                    Value = await serdes.EnvelopeSerializer.SerializeAsync(sessionEvent.Envelope, outValue),
                };
                while (true)
                {
                    try
                    {
                        producer.Produce(output, message);
                        produced++;
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(5));
                    }
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(1));
        return sampler.Finish("raw", consumed, produced);
    }
}
