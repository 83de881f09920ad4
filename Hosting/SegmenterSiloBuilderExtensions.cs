using System.Diagnostics.Metrics;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Segmenter.Grains;
using Segmenter.Grains.Metrics;
using Segmenter.Grains.Options;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Scheduling;
using Segmenter.Grains.Segmentation;
using Segmenter.Serialization;
using Segmenter.Hosting.Kafka;
using Segmenter.Persistence.Redis;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Delivery;
using Segmenter.Streaming.Kafka.Hosting;
using Segmenter.Streaming.Kafka.Metrics;
using Orleans.Serialization;
using Orleans.Storage;
using Segmenter.Streaming;
using StackExchange.Redis;

namespace Segmenter.Hosting;

/// <summary>How a silo becomes a Segmenter silo: the grain and its options, the Kafka streams, Redis state.</summary>
public static class SegmenterSiloBuilderExtensions
{
    /// <summary>
    /// The device grains, the segmentation engine and its options (validated at start), and the partition clock.
    /// <paramref name="rules"/> sets <see cref="SegmenterOptions.Rules"/>, <paramref name="configure"/> the rest.
    /// </summary>
    public static ISiloBuilder AddSegmenter(this ISiloBuilder silo, Action<SegmentationOptions>? rules = null, Action<SegmenterOptions>? configure = null) =>
        silo.AddSegmenterCore(options =>
        {
            rules?.Invoke(options.Rules);
            configure?.Invoke(options);
        });

    /// <summary>
    /// The device grains with their options bound from section <c>Segmentation</c> of <paramref name="configuration"/>
    /// (see <see cref="SegmenterConfiguration.Bind"/>), validated at start.
    /// </summary>
    public static ISiloBuilder AddSegmenter(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.AddSegmenterCore(options => SegmenterConfiguration.Bind(configuration, options));

    private static ISiloBuilder AddSegmenterCore(this ISiloBuilder silo, Action<SegmenterOptions> configure)
    {
        var services = silo.Services;
        services.AddOptions<SegmenterOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SegmenterOptions>, SegmenterOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SessionSegmenter(sp.GetRequiredService<IOptions<SegmenterOptions>>().Value.Rules));
        services.TryAddSingleton<KafkaStreamMetricsRegistry>(); // empty unless the Kafka transport is added (the status line reads it)
        services.TryAddSingleton(sp => new SessionMetrics(sp.GetService<IMeterFactory>()));
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<SegmenterOptions>>((collection, segmenter) =>
            collection.ClassSpecificCollectionAge[typeof(DeviceSessionGrain).FullName!] = segmenter.Value.DeviceCollectionAge);
        services.AddSingleton<SchedulerFeed>();
        services.AddSingleton<IPartitionProgressListener>(sp => sp.GetRequiredService<SchedulerFeed>());
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerFeed>());
        return silo;
    }

    /// <summary>
    /// The Kafka stream provider with Segmenter's topics: <c>events</c> in (Avro, dead letters for what cannot be read),
    /// <c>session-events</c> and <c>sessions</c> out (Avro), all through the schema registry at <paramref name="schemaRegistryUrl"/>.
    /// </summary>
    public static ISiloBuilder AddSegmenterKafka(this ISiloBuilder silo, string schemaRegistryUrl, Action<KafkaStreamOptions> configure) =>
        silo.AddSegmenterKafka(new SchemaRegistrySettings { Url = schemaRegistryUrl }, configure);

    /// <summary>
    /// The Kafka stream provider with Segmenter's topics, its records Avro through the schema registry of
    /// <paramref name="registry"/> (with its basic authentication, if any).
    /// </summary>
    public static ISiloBuilder AddSegmenterKafka(this ISiloBuilder silo, SchemaRegistrySettings registry, Action<KafkaStreamOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(registry);
        silo.Services.TryAddSingleton<ISchemaRegistryClient>(_ => registry.CreateClient());
        silo.Services.TryAddSingleton(sp => new ContractCodecs(sp.GetRequiredService<ISchemaRegistryClient>())); // one registry cache per process
        silo.Services.TryAddSingleton(sp => new ContractSerdes(sp.GetRequiredService<ContractCodecs>()));
        silo.AddKafkaStreams(SegmenterOptions.StreamProvider, kafka => kafka.Configure<IOptions<SegmenterOptions>>((options, segmenter) =>
        {
            // Redis unreachable, slow, loading or failing over is an outage, not a bad record: such deliveries stall and
            // resume (up to PassingFailureLimit), never dead-letter after a few attempts.
            options.IsTransientDeliveryFailure = TransientDeliveryFailures.Including(RedisOutages.IsOutage);
            configure(options);
            SegmenterKafkaTopics.Apply(options, segmenter.Value);
        }));
        return silo;
    }

    /// <summary>
    /// Device state, deadline indexes and the partitions' reminders in Redis. A purged device leaves no key behind.
    /// </summary>
    public static ISiloBuilder AddSegmenterRedis(this ISiloBuilder silo, string connectionString)
    {
        var services = silo.AddSegmenterDeadlineIndex(connectionString).Services;
        // Orleans' binary format: a fraction of the JSON default's size and cost, written once per delivered batch.
        services.AddKeyedSingleton<IGrainStorage>(SegmenterOptions.StorageName, (sp, _) => ActivatorUtilities.CreateInstance<RedisDeviceStorage>(sp,
            new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>())));
        silo.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(connectionString));
        return silo;
    }

    /// <summary>
    /// The Redis connection, key names and deadline index (<see cref="IDeadlineIndex"/>) the grain and the schedulers use,
    /// without the device storage and reminders (for hosts that keep state elsewhere, such as the benchmarks'
    /// memory-storage baseline).
    /// </summary>
    public static ISiloBuilder AddSegmenterDeadlineIndex(this ISiloBuilder silo, string connectionString)
    {
        var services = silo.Services;
        services.TryAddSingleton(new RedisConnection(connectionString));
        services.TryAddSingleton(sp => new SessionMetrics(sp.GetService<IMeterFactory>())); // the device storage measures its writes
        services.TryAddSingleton(sp => new DeviceStoreKeys(
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptions<SegmenterOptions>>().Value.EventsTopic));
        services.TryAddSingleton<IDeadlineIndex, RedisDeadlineIndex>();
        return silo;
    }
}
