using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Kafka;

namespace Segmenter.Tests.Infrastructure;

/// <summary>Follows <c>session-events</c> and <c>sessions</c> from the beginning, decoding every record (Avro via the registry).</summary>
internal sealed class OutputTopicsReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private OutputTopicsReader()
    {
    }

    public ConcurrentQueue<OutputEvent> Events { get; } = new();
    public ConcurrentQueue<SessionSummary> Summaries { get; } = new();

    /// <summary>When each session's first summary was read (UTC).</summary>
    public ConcurrentDictionary<SessionKey, DateTime> SummaryReadAt { get; } = new();

    /// <summary>When the latest session event was read (UTC).</summary>
    public DateTime LastEventReadAt { get; private set; }

    public static OutputTopicsReader Start(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, string sessionEventsTopic, string sessionsTopic, int partitions)
    {
        var reader = new OutputTopicsReader();
        reader._loop = Task.Run(() => reader.ReadAsync(kafka, registry, sessionEventsTopic, sessionsTopic, partitions, reader._stop.Token));
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task ReadAsync(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, string sessionEventsTopic, string sessionsTopic, int partitions, CancellationToken stop)
    {
        using var consumer = kafka.NewConsumer($"reader-{Guid.NewGuid():N}");
        consumer.Assign(Enumerable.Range(0, partitions).SelectMany(p => new[]
        {
            new TopicPartitionOffset(sessionEventsTopic, p, Offset.Beginning),
            new TopicPartitionOffset(sessionsTopic, p, Offset.Beginning),
        }));
        var serdes = new ContractSerdes(registry.NewClient());
        while (!stop.IsCancellationRequested)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is not { } record)
                continue;
            var key = await serdes.SessionKeyDeserializer.DeserializeAsync(record.Message.Key, false, new SerializationContext(MessageComponentType.Key, record.Topic));
            var valueContext = new SerializationContext(MessageComponentType.Value, record.Topic);
            if (record.Topic == sessionEventsTopic)
            {
                var envelope = await serdes.EnvelopeDeserializer.DeserializeAsync(record.Message.Value, false, valueContext);
                var source = new SourcePosition((int)Header(record, SessionEventEncoder.SourcePartitionHeader), Header(record, SessionEventEncoder.SourceOffsetHeader));
                Events.Enqueue(new OutputEvent(key, envelope, source, record.Partition.Value));
                LastEventReadAt = DateTime.UtcNow;
            }
            else
            {
                var summary = await serdes.SessionSummaryDeserializer.DeserializeAsync(record.Message.Value, false, valueContext);
                Assert.Equal(summary.Key, key);
                Summaries.Enqueue(summary);
                SummaryReadAt.TryAdd(key, DateTime.UtcNow);
            }
        }
    }

    private static long Header(ConsumeResult<byte[], byte[]> record, string name) =>
        long.Parse(Encoding.ASCII.GetString(record.Message.Headers.GetLastBytes(name)), CultureInfo.InvariantCulture);
}

/// <summary>One decoded <c>session-events</c> record.</summary>
internal sealed record OutputEvent(SessionKey Key, Envelope Envelope, SourcePosition Source, int OutputPartition);
