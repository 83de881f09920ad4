using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Delivery;
using Segmenter.Streaming.Kafka.Handover;
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

    /// <summary>
    /// Adds Kafka stream provider <paramref name="name"/> to the silo: every partition of its input topics becomes an
    /// Orleans queue, balanced evenly over the silos (<see cref="EvenPartitionBalancer"/>) and read by a pulling agent that delivers to implicit subscribers (the
    /// provider uses implicit subscriptions only: <c>[ImplicitStreamSubscription("namespace")]</c> on the consumer
    /// grain), and events published on its output namespaces are produced to their topics. Offsets are committed only
    /// after every consumer of a record returned. The settings are checked at start (see
    /// <see cref="KafkaStreamOptionsValidator"/>).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name, as grains ask for it (<c>this.GetStreamProvider(name)</c>); it also names its options, queues and metrics.</param>
    /// <param name="configure">
    /// Sets <see cref="KafkaStreamOptions.BootstrapServers"/>, <see cref="KafkaStreamOptions.ConsumerGroupId"/> and the
    /// topics (<c>options.AddInputTopic(...)</c>, <c>options.AddOutputTopic(...)</c>), and any other setting.
    /// </param>
    /// <param name="configureStream">
    /// Further Orleans stream settings, such as <c>stream.ConfigurePartitionBalancing(...)</c>. The pulling agent's
    /// batch container size must stay 1 (checked at start).
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    public static ISiloBuilder AddKafkaStreams(
        this ISiloBuilder builder,
        string name,
        Action<KafkaStreamOptions> configure,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, (OptionsBuilder<KafkaStreamOptions> options) => options.Configure(configure), configureStream);

    /// <summary>
    /// Adds Kafka stream provider <paramref name="name"/> to the silo, like the overload taking an
    /// <see cref="Action{KafkaStreamOptions}"/>, but with the options builder, so the settings can be bound from
    /// configuration (<c>options.BindConfiguration("Kafka")</c>) or taken from other options and services
    /// (<c>options.Configure&lt;IOptions&lt;MyOptions&gt;&gt;(...)</c>).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name, as grains ask for it.</param>
    /// <param name="configure">Configures the provider's named <see cref="KafkaStreamOptions"/>.</param>
    /// <param name="configureStream">Further Orleans stream settings (the batch container size must stay 1).</param>
    /// <returns>The builder, for chaining.</returns>
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
            // An equal share of the partitions per silo; the consistent ring's random arcs are unfair to a few queues.
            stream.ConfigurePartitionBalancing(EvenPartitionBalancer.Create);
            configureStream?.Invoke(stream);
        });
        builder.Services.TryAddSingleton<KafkaStreamMetricsRegistry>();
        // Bounded retries of deliveries that keep failing (see DeliveryFailurePolicy); once per silo, whatever the providers.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutgoingGrainCallFilter, KafkaDeliveryFailureFilter>());
        builder.Services.AddTransient<IConfigurationValidator>(services =>
            new KafkaStreamOptionsValidator(services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name), name));
        return builder;
    }

    /// <summary>
    /// Adds Kafka stream provider <paramref name="name"/> to an Orleans client, which publishes to the output topics
    /// (a client reads nothing: input topics are read by silos). Publishing completes once Kafka acknowledged the records.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="name">The provider's name, as the client asks for it (<c>client.GetStreamProvider(name)</c>).</param>
    /// <param name="configure">Sets <see cref="KafkaStreamOptions.BootstrapServers"/> and the output topics (<c>options.AddOutputTopic(...)</c>).</param>
    /// <param name="configureStream">Further Orleans stream settings of the client.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IClientBuilder AddKafkaStreams(
        this IClientBuilder builder,
        string name,
        Action<KafkaStreamOptions> configure,
        Action<IClusterClientPersistentStreamConfigurator>? configureStream = null) =>
        builder.AddKafkaStreams(name, (OptionsBuilder<KafkaStreamOptions> options) => options.Configure(configure), configureStream);

    /// <summary>
    /// Adds Kafka stream provider <paramref name="name"/> to an Orleans client, like the overload taking an
    /// <see cref="Action{KafkaStreamOptions}"/>, but with the options builder, so the settings can be bound from
    /// configuration or taken from other options and services.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="name">The provider's name, as the client asks for it.</param>
    /// <param name="configure">Configures the provider's named <see cref="KafkaStreamOptions"/>.</param>
    /// <param name="configureStream">Further Orleans stream settings of the client.</param>
    /// <returns>The builder, for chaining.</returns>
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
