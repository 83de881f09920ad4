using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Cli;

/// <summary>
/// Makes doctored copies of a run's output topics for <c>reader verify</c> to catch: every record copied byte for byte
/// to the same partition of new topics, except what the test drops, re-keys or rewrites (re-encoded as Avro through
/// the registry).
/// </summary>
internal sealed class OutputDoctor(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, string sessionEventsTopic, string sessionsTopic, int partitions)
{
    private readonly ContractSerdes _serdes = new(registry.NewClient());
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _failures = new();

    /// <summary>The new topics' names (session-events, sessions).</summary>
    public async Task<(string SessionEvents, string Sessions)> CopyAsync(
        string name,
        Func<SessionKey, Envelope, IEnumerable<SessionKey>>? sessionEvent = null,
        Func<SessionSummary, SessionSummary>? summary = null)
    {
        var doctored = (SessionEvents: $"{sessionEventsTopic}-{name}-session-events", Sessions: $"{sessionsTopic}-{name}-sessions");
        kafka.Cluster.CreateTopic(doctored.SessionEvents, partitions);
        kafka.Cluster.CreateTopic(doctored.Sessions, partitions);
        using var producer = kafka.NewProducer();

        foreach (var record in ReadAll(sessionEventsTopic))
        {
            var key = await _serdes.SessionKeyDeserializer.DeserializeAsync(record.Message.Key, false, new SerializationContext(MessageComponentType.Key, record.Topic));
            var envelope = await _serdes.EnvelopeDeserializer.DeserializeAsync(record.Message.Value, false, new SerializationContext(MessageComponentType.Value, record.Topic));
            foreach (var newKey in sessionEvent?.Invoke(key, envelope) ?? [key])
            {
                var keyBytes = newKey == key ? record.Message.Key
                    : await _serdes.SessionKeySerializer.SerializeAsync(newKey, new SerializationContext(MessageComponentType.Key, doctored.SessionEvents));
                producer.Produce(new TopicPartition(doctored.SessionEvents, record.Partition),
                    new Message<byte[], byte[]> { Key = keyBytes, Value = record.Message.Value, Headers = record.Message.Headers }, Delivered);
            }
        }

        foreach (var record in ReadAll(sessionsTopic))
        {
            var original = await _serdes.SessionSummaryDeserializer.DeserializeAsync(record.Message.Value, false, new SerializationContext(MessageComponentType.Value, record.Topic));
            var rewritten = summary?.Invoke(original) ?? original;
            var value = ReferenceEquals(rewritten, original) ? record.Message.Value
                : await _serdes.SessionSummarySerializer.SerializeAsync(rewritten, new SerializationContext(MessageComponentType.Value, doctored.Sessions));
            producer.Produce(new TopicPartition(doctored.Sessions, record.Partition),
                new Message<byte[], byte[]> { Key = record.Message.Key, Value = value }, Delivered);
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(20)));
        Assert.True(_failures.IsEmpty, $"the doctored copy was not written: {string.Join("; ", _failures)}");
        return doctored;
    }

    private void Delivered(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
            _failures.Enqueue(report.Error.Reason);
    }

    private List<ConsumeResult<byte[], byte[]>> ReadAll(string topic)
    {
        using var consumer = kafka.NewConsumer($"doctor-{Guid.NewGuid():N}");
        var ends = Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).Sum();
        return kafka.ReadAll(topic, partitions, (int)ends, TimeSpan.FromSeconds(20));
    }
}
