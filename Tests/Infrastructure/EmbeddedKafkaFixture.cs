using Confluent.Kafka;
using Segmenter.Embedded.Kafka;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// One librdkafka mock cluster (the real Kafka protocol over TCP on 127.0.0.1) shared by the tests of a
/// collection. Tests isolate themselves with their own topics (<see cref="NewTopic"/>).
/// </summary>
public sealed class EmbeddedKafkaFixture : IAsyncLifetime
{
    private EmbeddedKafkaCluster? _cluster;

    public EmbeddedKafkaCluster Cluster => _cluster ?? throw new InvalidOperationException("Kafka has not started.");

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Creates a topic with a unique name.</summary>
    public string NewTopic(string prefix, int partitions)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        Cluster.CreateTopic(name, partitions);
        return name;
    }

    /// <param name="messageMaxBytes">
    /// The producer's own limit on a record's size (librdkafka's default is 1,000,000 bytes); the mock broker takes
    /// records of a few MiB, so a test can write records that other producers (the silo's) cannot copy.
    /// </param>
    public IProducer<byte[], byte[]> NewProducer(int? messageMaxBytes = null) =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            Partitioner = Partitioner.Murmur2Random,
            MessageMaxBytes = messageMaxBytes,
        }).SetLogHandler((_, _) => { }).Build();

    public IConsumer<byte[], byte[]> NewConsumer(string groupId = "test-reader") =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetLogHandler((_, _) => { }).Build();

    /// <summary>Everything in a topic, read from the start until <paramref name="expected"/> records or the timeout.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic, int partitions, int expected, TimeSpan timeout)
    {
        using var consumer = NewConsumer($"reader-{Guid.NewGuid():N}");
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
                records.Add(record);
        }

        return records;
    }

    /// <summary>
    /// Every record of a topic, from the start to the end each partition has now (its high watermark): not until some
    /// expected count, so a record nobody expected is in the list too. Call it once whatever writes the topic is done.
    /// </summary>
    public List<ConsumeResult<byte[], byte[]>> ReadToEnd(string topic, int partitions, TimeSpan timeout)
    {
        using var consumer = NewConsumer($"reader-{Guid.NewGuid():N}");
        var ends = Enumerable.Range(0, partitions).ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        consumer.Assign(ends.Where(e => e.Value > 0).Select(e => new TopicPartitionOffset(topic, e.Key, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < ends.Values.Sum() && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
                records.Add(record);
        }

        Assert.True(records.Count == ends.Values.Sum(), $"read {records.Count} of the {ends.Values.Sum()} records of {topic} in {timeout}");
        return records;
    }

    /// <summary>The end (high watermark) of every partition of a topic.</summary>
    public long[] Ends(string topic, int partitions)
    {
        using var consumer = NewConsumer($"ends-{Guid.NewGuid():N}");
        return [.. Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value)];
    }

    /// <summary>The offsets committed by <paramref name="groupId"/> on every partition (-1001 when none).</summary>
    public long[] Committed(string topic, int partitions, string groupId)
    {
        using var consumer = NewConsumer(groupId);
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .OrderBy(c => c.Partition.Value)
            .Select(c => c.Offset.Value)
            .ToArray();
    }

    public Task InitializeAsync()
    {
        _cluster = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions { BrokerCount = 1 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}

/// <summary>Tests that need the broker (and the registry and Redis) run one at a time, sharing them.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaTestGroup : ICollectionFixture<EmbeddedKafkaFixture>, ICollectionFixture<SchemaRegistryFixture>, ICollectionFixture<RedisFixture>
{
    public const string Name = "kafka";
}
