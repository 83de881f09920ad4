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
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _nextToRead = new();
    private readonly EmbeddedKafkaFixture _kafka;
    private readonly string[] _topics;
    private readonly int _partitions;
    private Task _loop = Task.CompletedTask;

    private OutputTopicsReader(EmbeddedKafkaFixture kafka, string[] topics, int partitions)
    {
        _kafka = kafka;
        _topics = topics;
        _partitions = partitions;
    }

    public ConcurrentQueue<OutputEvent> Events { get; } = new();
    public ConcurrentQueue<SessionSummary> Summaries { get; } = new();

    /// <summary>When each session's first summary was read (UTC).</summary>
    public ConcurrentDictionary<SessionKey, DateTime> SummaryReadAt { get; } = new();

    /// <summary>When the latest session event was read (UTC).</summary>
    public DateTime LastEventReadAt { get; private set; }

    public static OutputTopicsReader Start(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, string sessionEventsTopic, string sessionsTopic, int partitions)
    {
        var reader = new OutputTopicsReader(kafka, [sessionEventsTopic, sessionsTopic], partitions);
        reader._loop = Task.Run(() => reader.ReadAsync(kafka, registry, sessionEventsTopic, sessionsTopic, partitions, reader._stop.Token));
        return reader;
    }

    /// <summary>
    /// Waits until this reader has read (and queued) every record both output topics hold now, up to their ends as the
    /// broker gives them at the call: the positive witness that whatever was written before the call is in
    /// <see cref="Events"/> and <see cref="Summaries"/>. A check that nothing more came out is sound only after it.
    /// </summary>
    public async Task WaitUntilReadToEndAsync(TimeSpan timeout)
    {
        var ends = _topics.SelectMany(topic => _kafka.Ends(topic, _partitions).Select((end, partition) => (Topic: topic, Partition: partition, End: end))).ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (!ends.All(e => e.End == 0 || _nextToRead.GetValueOrDefault((e.Topic, e.Partition)) >= e.End))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"the output reader did not read to the ends within {timeout.TotalSeconds:0} s: " +
                    string.Join(", ", ends.Select(e => $"{e.Topic}[{e.Partition}] {_nextToRead.GetValueOrDefault((e.Topic, e.Partition))}/{e.End}")));
            }

            await Task.Delay(50);
        }
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
                var source = new SourcePosition((int)Header(record, SessionEventHeaders.SourcePartition), Header(record, SessionEventHeaders.SourceOffset));
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

            _nextToRead[(record.Topic, record.Partition.Value)] = record.Offset.Value + 1; // after the record is queued
        }
    }

    private static long Header(ConsumeResult<byte[], byte[]> record, string name) =>
        long.Parse(Encoding.ASCII.GetString(record.Message.Headers.GetLastBytes(name)), CultureInfo.InvariantCulture);
}

/// <summary>One decoded <c>session-events</c> record.</summary>
internal sealed record OutputEvent(SessionKey Key, Envelope Envelope, SourcePosition Source, int OutputPartition);
