using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Statistics;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// The Orleans Event Hubs adapter factory (receivers, cache, checkpoints: all unchanged) with Segmenter's writes:
/// each output stream goes to its own hub (<see cref="EventHubOutputProducers"/>), one event per record, all records
/// of one call in one send with the device id as partition key, so they stay together and in order.
/// </summary>
public sealed class SegmenterEventHubAdapterFactory(
    string name,
    EventHubOptions ehOptions,
    EventHubReceiverOptions receiverOptions,
    EventHubStreamCachePressureOptions cacheOptions,
    StreamCacheEvictionOptions cacheEvictionOptions,
    StreamStatisticOptions statisticOptions,
    IEventHubDataAdapter dataAdapter,
    IServiceProvider serviceProvider,
    ILoggerFactory loggerFactory,
    IEnvironmentStatisticsProvider environmentStatisticsProvider,
    EventHubOutputProducers outputs,
    EventHubStreamMetrics metrics)
    : EventHubAdapterFactory(name, ehOptions, receiverOptions, cacheOptions, cacheEvictionOptions, statisticOptions, dataAdapter, serviceProvider, loggerFactory, environmentStatisticsProvider)
{
    public override async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        var hub = outputs.HubFor(streamId.GetNamespace());
        var records = events.Select(item => dataAdapter.ToQueueMessage(streamId, [item], token, requestContext)).ToList();
        if (records.Count == 0)
            return;

        // One send is one batch: accepted or refused whole. A device's outputs of one delivery are a few small records.
        await outputs.ProducerFor(hub).SendAsync(records, new SendEventOptions { PartitionKey = dataAdapter.GetPartitionKey(streamId) });
        metrics.Written(hub, records.Count);
    }

    /// <summary>Builds the factory as the stock <c>EventHubAdapterFactory.Create</c> does, from the provider's named options.</summary>
    public static new SegmenterEventHubAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        T Named<T>() => services.GetRequiredService<IOptionsMonitor<T>>().Get(name);
        var factory = ActivatorUtilities.CreateInstance<SegmenterEventHubAdapterFactory>(services,
            name,
            Named<EventHubOptions>(),
            Named<EventHubReceiverOptions>(),
            Named<EventHubStreamCachePressureOptions>(),
            Named<StreamCacheEvictionOptions>(),
            Named<StreamStatisticOptions>(),
            services.GetRequiredKeyedService<IEventHubDataAdapter>(name));
        factory.Init();
        return factory;
    }
}
