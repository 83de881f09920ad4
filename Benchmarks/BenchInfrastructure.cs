using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Segmenter.Embedded;
using Segmenter.Serialization;

namespace Segmenter.Benchmarks;

/// <summary>The infrastructure every column of a run shares: the embedded Kafka, the schema registry, a redis-server.</summary>
internal sealed class BenchInfrastructure : IAsyncDisposable
{
    private readonly EmbeddedInfrastructure _embedded;

    private BenchInfrastructure(EmbeddedInfrastructure embedded)
    {
        _embedded = embedded;
        Registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = SchemaRegistryUrl });
        Serdes = new ContractSerdes(Registry);
    }

    public string BootstrapServers => _embedded.BootstrapServers!;
    public string SchemaRegistryUrl => _embedded.SchemaRegistryUrl!;
    public string RedisConnectionString => _embedded.RedisConnectionString!;
    public int RedisPid => _embedded.Redis!.ProcessId;
    public ISchemaRegistryClient Registry { get; }
    public ContractSerdes Serdes { get; }

    /// <summary>A producer as a good client configures one (idempotent, acks=all, lz4, murmur2); only the batching differs.</summary>
    public IProducer<byte[], byte[]> NewProducer(int lingerMs, int? batchSize = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = lingerMs,
            Partitioner = Partitioner.Murmur2Random,
        };
        if (batchSize is { } size)
            config.BatchSize = size;
        return new ProducerBuilder<byte[], byte[]>(config).Build();
    }

    public static async Task<BenchInfrastructure> StartAsync()
    {
        var options = new EmbeddedInfrastructureOptions { KafkaPort = 0, SchemaRegistryPort = 0, RedisPort = 0, DataDirectory = Directory.CreateTempSubdirectory("segmenter-bench-").FullName };
        return new BenchInfrastructure(await EmbeddedInfrastructure.StartAsync(options, NullLogger.Instance, CancellationToken.None));
    }

    public void CreateTopic(string name, int partitions) => _embedded.Kafka!.CreateTopic(name, partitions);

    /// <summary>Offsets of a topic: (low, high) watermarks per partition.</summary>
    public IReadOnlyList<(long Low, long High)> Watermarks(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "bench-watermarks" }).Build();
        return [.. Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10))).Select(w => (w.Low.Value, w.High.Value))];
    }

    public async ValueTask DisposeAsync()
    {
        Registry.Dispose();
        await _embedded.DisposeAsync();
    }
}
