using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Delivery;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Streaming.Kafka.Hosting;

/// <summary>
/// <c>AddKafkaStreams</c>: registers a Kafka stream provider on a silo (reads and writes) or a client (writes).
/// </summary>
public static class KafkaStreamsHostingExtensions
{
    /// <summary>
    /// How long the pulling agent keeps retrying one delivery before it gives up on it: effectively never, because the
    /// provider bounds retries itself (<see cref="KafkaStreamOptions.PassingFailureLimit"/>,
    /// <see cref="KafkaStreamOptions.DeliveryAttempts"/>), dead-lettering what it gives up on. When the agent gives up,
    /// it only skips the container and tells the failure handler: no dead letter, and the commit stays pinned before it
    /// until the partition restarts.
    /// </summary>
    public static readonly TimeSpan DefaultMaxEventDeliveryTime = TimeSpan.FromDays(365);

    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder,
        string name,
        Action<KafkaStreamOptions> configure,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, (OptionsBuilder<KafkaStreamOptions> options) => options.Configure(configure), configureStream);

    /// <summary>As above, with an options builder, so the settings can come from other options or services.</summary>
    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder,
        string name,
        Action<OptionsBuilder<KafkaStreamOptions>> configure,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        builder.AddPersistentStreams(name, KafkaAdapterFactory.Create, stream =>
        {
            stream.Configure(configure);
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.BatchContainerBatchSize = 1;
                o.MaxEventDeliveryTime = DefaultMaxEventDeliveryTime;
                // An agent polls again at once while there is data; this is the wait when a partition was empty (latency).
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5);
            }));
            configureStream?.Invoke(stream);
        });
        builder.Services.TryAddSingleton<KafkaStreamMetricsRegistry>();
        // Bounded retries of deliveries that keep failing (see DeliveryFailurePolicy); once per silo, whatever the providers.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutgoingGrainCallFilter, KafkaDeliveryFailureFilter>());
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new KafkaStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
        return builder;
    }

    public static IClientBuilder AddKafkaStreams(
        this IClientBuilder builder,
        string name,
        Action<KafkaStreamOptions> configure,
        Action<IClusterClientPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, (OptionsBuilder<KafkaStreamOptions> options) => options.Configure(configure), configureStream);

    /// <summary>As above, with an options builder, so the settings can come from other options or services.</summary>
    public static IClientBuilder AddKafkaStreams(
        this IClientBuilder builder,
        string name,
        Action<OptionsBuilder<KafkaStreamOptions>> configure,
        Action<IClusterClientPersistentStreamConfigurator>? configureStream = null)
    {
        builder.AddPersistentStreams(name, KafkaAdapterFactory.Create, stream =>
        {
            stream.Configure(configure);
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            configureStream?.Invoke(stream);
        });
        builder.Services.TryAddSingleton<KafkaStreamMetricsRegistry>();
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new KafkaStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
        return builder;
    }
}
