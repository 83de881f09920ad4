using Confluent.SchemaRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Segmenter.Contracts;
using Segmenter.Grains.Partitions;
using Segmenter.Grains.Segmentation;
using Segmenter.Serialization;
using Segmenter.Serialization.Kafka;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;
using Segmenter.Streaming.Kafka.Metrics;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Segmenter.Grains.Hosting;

/// <summary>How a silo becomes a Segmenter silo: the grain and its options, the Kafka streams, Redis state.</summary>
public static class SegmenterSiloBuilderExtensions
{
    /// <summary>
    /// The device grains, the segmentation engine and its options (validated at start), and the partition clock.
    /// </summary>
    public static ISiloBuilder AddSegmenter(this ISiloBuilder silo, Action<SegmentationOptions>? rules = null, Action<SegmenterOptions>? configure = null)
    {
        var services = silo.Services;
        var segmentation = services.AddOptions<SegmentationOptions>();
        if (rules is not null)
            segmentation.Configure(rules);
        services.AddSingleton<IValidateOptions<SegmentationOptions>, SegmenterOptionsValidation>();
        var segmenter = services.AddOptions<SegmenterOptions>();
        if (configure is not null)
            segmenter.Configure(configure);
        services.AddSingleton<IValidateOptions<SegmenterOptions>, SegmenterOptionsValidation>();
        segmentation.ValidateOnStart();
        segmenter.ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SessionSegmenter(sp.GetRequiredService<IOptions<SegmentationOptions>>().Value));
        services.TryAddSingleton<KafkaStreamMetricsRegistry>(); // empty unless the Kafka transport is added
        services.AddHostedService<PartitionClockReporter>();
        services.AddSingleton<PartitionClocks>();
        services.AddHostedService(sp => sp.GetRequiredService<PartitionClocks>());
        return silo;
    }

    /// <summary>
    /// The Kafka stream provider with Segmenter's topics: <c>events</c> in (Avro, dead letters for what cannot be read),
    /// <c>session-events</c> and <c>sessions</c> out (Avro), all through the schema registry at <paramref name="schemaRegistryUrl"/>.
    /// </summary>
    public static ISiloBuilder AddSegmenterKafka(this ISiloBuilder silo, string schemaRegistryUrl, Action<KafkaStreamOptions> configure)
    {
        silo.Services.TryAddSingleton<ISchemaRegistryClient>(_ => new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = schemaRegistryUrl }));
        silo.Services.TryAddSingleton(sp => new ContractSerdes(sp.GetRequiredService<ISchemaRegistryClient>()));
        silo.AddKafkaStreams(SegmenterOptions.StreamProvider, kafka => kafka.Configure<IOptions<SegmenterOptions>>((options, segmenter) =>
        {
            var topics = segmenter.Value;
            configure(options);
            options.DeadLetterTopic = topics.DeadLetterTopic;
            var input = options.AddInputTopic(topics.EventsTopic, sp => new DeviceInputDecoder(sp.GetRequiredService<ContractSerdes>()), StreamNamespaces.Events);
            options.AddOutputTopic(topics.SessionEventsTopic, sp => new SessionEventEncoder(sp.GetRequiredService<ContractSerdes>(), topics.SessionEventsTopic), StreamNamespaces.SessionEvents);
            options.AddOutputTopic(topics.SessionsTopic, sp => new SessionSummaryEncoder(sp.GetRequiredService<ContractSerdes>(), topics.SessionsTopic), StreamNamespaces.Sessions);
            var keys = new AvroDeviceKeyBytes(new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = schemaRegistryUrl }), topics.EventsTopic);
            input.PartitionKey = stream => keys.For(stream.GetKeyAsString());
        }));
        return silo;
    }

    /// <summary>Device state and reminders in Redis. A purged device leaves no key behind.</summary>
    public static ISiloBuilder AddSegmenterRedis(this ISiloBuilder silo, string connectionString)
    {
        silo.AddRedisGrainStorage(SegmenterOptions.StorageName, (OptionsBuilder<RedisStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.ConfigurationOptions = ConfigurationOptions.Parse(connectionString);
            o.DeleteStateOnClear = true;
            // Orleans' binary format: a fraction of the JSON default's size and cost, written once per delivered batch.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(connectionString));
        return silo;
    }
}
