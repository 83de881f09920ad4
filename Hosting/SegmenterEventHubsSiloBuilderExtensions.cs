using Azure.Data.Tables;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Segmenter.Grains.Options;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka.Hosting;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Hosting;

/// <summary>
/// How a Segmenter silo takes its input from Azure Event Hubs instead of Kafka. Here, not in Streaming.EventHubs, because
/// it is Segmenter's wiring (its options, topics and delivery policy): the transport itself knows no grain and no Kafka.
/// </summary>
public static class SegmenterEventHubsSiloBuilderExtensions
{
    /// <summary>
    /// The Orleans Event Hubs stream provider under Segmenter's provider name: events from the hub
    /// <see cref="EventHubsSettings.EventHubName"/> become <c>DeviceInput</c>s on the stream (<c>events</c>, device id),
    /// exactly as the Kafka transport delivers them; outputs go to the hubs named like the Kafka output topics; read
    /// positions are checkpointed to an Azure table. Records are Avro through the schema registry at
    /// <paramref name="schemaRegistryUrl"/>. Use instead of <c>AddSegmenterKafka</c>, after <c>AddSegmenter</c>.
    /// </summary>
    public static ISiloBuilder AddSegmenterEventHubs(this ISiloBuilder silo, string schemaRegistryUrl, EventHubsSettings settings) =>
        silo.AddSegmenterEventHubs(new SchemaRegistrySettings { Url = schemaRegistryUrl }, settings);

    /// <summary>
    /// The Event Hubs transport, its records Avro through the schema registry of <paramref name="registry"/> (with its
    /// basic authentication, if any). See the overload taking the registry's address.
    /// </summary>
    public static ISiloBuilder AddSegmenterEventHubs(this ISiloBuilder silo, SchemaRegistrySettings registry, EventHubsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(settings);
        if (EventHubsSettingsValidator.Problems(settings) is { Count: > 0 } problems)
            throw new OrleansConfigurationException(string.Join(" ", problems));

        var services = silo.Services;
        services.TryAddSingleton<ISchemaRegistryClient>(_ => registry.CreateClient());
        services.TryAddSingleton(sp => new ContractCodecs(sp.GetRequiredService<ISchemaRegistryClient>()));
        services.TryAddSingleton<EventHubInputDecoder>();
        services.TryAddSingleton(sp => new EventHubStreamMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            var topics = sp.GetRequiredService<IOptions<SegmenterOptions>>().Value;
            return new EventHubOutputEncoder(sp.GetRequiredService<ContractCodecs>(), topics.SessionEventsTopic, topics.SessionsTopic);
        });
        services.TryAddSingleton(sp =>
        {
            var topics = sp.GetRequiredService<IOptions<SegmenterOptions>>().Value;
            return new EventHubOutputProducers(settings.ConnectionString, topics.SessionEventsTopic, topics.SessionsTopic);
        });

        // The host's status line looks Kafka providers up here; with Event Hubs it finds none.
        services.TryAddSingleton<KafkaStreamMetricsRegistry>();

        // The hub is the input "topic": the partitions' deadline schedulers, their Redis keys and the progress reports
        // (whose source is the hub) are all named after it, whatever Segmentation:EventsTopic says.
        services.PostConfigure<SegmenterOptions>(o => o.EventsTopic = settings.EventHubName);
        services.AddKeyedSingleton(SegmenterOptions.StreamProvider, settings);

        silo.AddEventHubStreams(SegmenterOptions.StreamProvider, stream =>
        {
            stream.ConfigureEventHub(options => options.Configure(o =>
                o.ConfigureEventHubConnection(settings.ConnectionString, settings.EventHubName, settings.ConsumerGroup)));
            stream.UseAzureTableCheckpointer(options => options.Configure(o =>
            {
                o.TableServiceClient = new TableServiceClient(settings.CheckpointConnectionString);
                o.TableName = settings.CheckpointTable;
                o.PersistInterval = settings.CheckpointInterval;
            }));
            stream.ConfigurePartitionReceiver(options => options.Configure(o => o.StartFromNow = settings.StartFromNow));
            stream.UseDataAdapter((sp, _) => new SegmenterEventHubDataAdapter(
                sp.GetRequiredService<Serializer>(),
                sp.GetRequiredService<EventHubInputDecoder>(),
                sp.GetRequiredService<EventHubOutputEncoder>(),
                sp.GetRequiredService<EventHubStreamMetrics>(),
                sp.GetRequiredService<ILogger<SegmenterEventHubDataAdapter>>()));

            // Registered after the stock factory under the same key, so this one is resolved: outputs to their own hubs.
            stream.ConfigureComponent<IQueueAdapterFactory>(SegmenterEventHubAdapterFactory.Create);
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);

            // As on Kafka: an event is never given up because its grain could not take it for a while. One container per
            // delivery: the partition progress counts a container as delivered when the agent moves past it (the factory
            // refuses any other size).
            stream.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.MaxEventDeliveryTime = KafkaStreamsHostingExtensions.DefaultMaxEventDeliveryTime;
                o.BatchContainerBatchSize = 1;
            }));
        });
        return silo;
    }
}
