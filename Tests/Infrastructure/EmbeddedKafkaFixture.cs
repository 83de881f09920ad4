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

    public IProducer<byte[], byte[]> NewProducer() =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            Partitioner = Partitioner.Murmur2Random,
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
    /// Everything in a topic, read from the start until nothing new came for <paramref name="idle"/> (after at least one
    /// record, or after <paramref name="timeout"/> when the topic stays empty): for checks that there is nothing else.
    /// </summary>
    public List<ConsumeResult<byte[], byte[]>> ReadUntilIdle(string topic, int partitions, TimeSpan idle, TimeSpan timeout)
    {
        using var consumer = NewConsumer($"reader-{Guid.NewGuid():N}");
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        var lastRecord = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && (records.Count == 0 || DateTime.UtcNow - lastRecord < idle))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                records.Add(record);
                lastRecord = DateTime.UtcNow;
            }
        }

        return records;
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
