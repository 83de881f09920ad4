using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Segmenter.Embedded.Kafka;
using Segmenter.Embedded.Kafka.Security;
using Segmenter.Embedded.Redis;
using Segmenter.Embedded.SchemaRegistry;

namespace Segmenter.Embedded;

/// <summary>
/// Everything Segmenter needs that a bare machine lacks, started in-process for development: Kafka (the mock cluster
/// of librdkafka, in memory, fixed ports), a schema registry (the REST subset the Confluent clients use), and Redis (a
/// child redis-server). For local runs and tests only; in production each is a real service given by configuration.
/// </summary>
public sealed partial class EmbeddedInfrastructure : IAsyncDisposable
{
    private EmbeddedKafkaCluster? _kafka;
    private EmbeddedSchemaRegistry? _registry;
    private RedisServerProcess? _redis;

    private EmbeddedInfrastructure()
    {
    }

    public string? BootstrapServers => _kafka?.BootstrapServers;
    public string? SchemaRegistryUrl => _registry?.Url;
    public string? RedisConnectionString => _redis?.ConnectionString;
    public EmbeddedKafkaCluster? Kafka => _kafka;
    public RedisServerProcess? Redis => _redis;

    public static async Task<EmbeddedInfrastructure> StartAsync(EmbeddedInfrastructureOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var infrastructure = new EmbeddedInfrastructure();
        try
        {
            if (options.Kafka)
            {
                infrastructure._kafka = StartKafka(options);
                foreach (var topic in options.Topics)
                    infrastructure._kafka.CreateTopic(topic, options.Partitions);
                LogKafkaStarted(logger, infrastructure._kafka.BootstrapServers, DescribeSecurity(options.KafkaSecurity), string.Join(", ", options.Topics), options.Partitions);
            }

            if (options.SchemaRegistry)
            {
                infrastructure._registry = await EmbeddedSchemaRegistry.StartAsync(options.SchemaRegistryPort, options.SchemaRegistryUserInfo, cancellationToken: cancellationToken);
                LogSchemaRegistryStarted(logger, infrastructure._registry.Url,
                    string.IsNullOrEmpty(options.SchemaRegistryUserInfo) ? "" : $", basic authentication as '{options.SchemaRegistryUserInfo.Split(':', 2)[0]}'");
            }

            if (options.Redis)
            {
                infrastructure._redis = await RedisServerProcess.StartAsync(options.RedisPort, Path.GetFullPath(options.DataDirectory), persistent: true, cancellationToken: cancellationToken);
                LogRedisStarted(logger, infrastructure._redis.ConnectionString, infrastructure._redis.DataDirectory);
            }

            return infrastructure;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or RedisServerNotFoundException or TimeoutException or SocketException or Confluent.Kafka.KafkaException)
        {
            await infrastructure.DisposeAsync();
            throw new EmbeddedInfrastructureException(e.Message, e);
        }
        catch
        {
            await infrastructure.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
            await _redis.DisposeAsync();
        if (_registry is not null)
            await _registry.DisposeAsync();
        if (_kafka is not null)
            await _kafka.DisposeAsync();
    }

    /// <summary>", SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256) for app" — the users, never their passwords.</summary>
    private static string DescribeSecurity(EmbeddedKafkaSecurity? security) => security is null
        ? ""
        : $", {security.Protocol} ({string.Join(", ", security.OfferedMechanismNames)}) for {string.Join(", ", security.Users.Keys)}";

    private static EmbeddedKafkaCluster StartKafka(EmbeddedInfrastructureOptions options)
    {
        try
        {
            return EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions { BrokerCount = options.Brokers, BasePort = options.KafkaPort, Security = options.KafkaSecurity });
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new EmbeddedInfrastructureException(string.Create(CultureInfo.InvariantCulture,
                $"Port {options.KafkaPort} is in use: is another embedded Kafka (or a real broker) running? Use it by turning the embedded Kafka off, or pick another port."), e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Embedded Kafka (in memory, development only) at {Bootstrap}{Security}; topics {Topics} with {Partitions} partitions", EventId = 6000)]
    private static partial void LogKafkaStarted(ILogger logger, string bootstrap, string security, string topics, int partitions);

    [LoggerMessage(LogLevel.Information, "Embedded schema registry (in memory, development only) at {Url}{Authentication}", EventId = 6001)]
    private static partial void LogSchemaRegistryStarted(ILogger logger, string url, string authentication);

    [LoggerMessage(LogLevel.Information, "Local redis-server at {Redis}, data in {Directory}", EventId = 6002)]
    private static partial void LogRedisStarted(ILogger logger, string redis, string directory);
}
