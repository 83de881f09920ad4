using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using Segmenter.Benchmarks.Ceiling;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Hosting;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;

namespace Segmenter.Benchmarks;

/// <summary>
/// The architecture's limit: the same <c>DeviceSessionGrain</c> fed by Orleans streams from inside the silo — pulling
/// agents, the Kafka provider's delivery-tracking cache and its agent settings, one container per device per read as the
/// Kafka receiver packs them — with state in this process's memory (the same serializer) and outputs dropped. No broker,
/// no Avro, no Redis: whatever the pipeline costs beyond this column is Kafka, Avro and Redis.
/// </summary>
internal static class OrleansCeiling
{
    public static async Task<ColumnResult> RunAsync(List<(string Device, Envelope Envelope)> workload, int partitions, int redisPid, string redisConnectionString, int? cacheSize)
    {
        ProcessedEventCounter.Reset();
        var cache = cacheSize ?? new KafkaStreamOptions().CacheSize;
        var factory = new WorkloadQueueAdapterFactory(SegmenterOptions.StreamProvider, partitions, workload, cache);
        await using var silos = await BenchSilos.StartAsync(1, $"ceiling-{Guid.NewGuid():N}", silo =>
        {
            silo.AddSegmenter();
            silo.AddSegmenterDeadlineIndex(redisConnectionString); // the grain's purge guard; unused in a run this short
            silo.AddPersistentStreams(SegmenterOptions.StreamProvider, (_, _) => factory, streams =>
            {
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                streams.ConfigurePullingAgent(agent => agent.Configure(o =>
                {
                    // As AddKafkaStreams sets them.
                    o.BatchContainerBatchSize = 1;
                    o.MaxEventDeliveryTime = KafkaStreamsHostingExtensions.DefaultMaxEventDeliveryTime;
                    o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5);
                }));
            });
            silo.Services.AddKeyedSingleton<IGrainStorage>(SegmenterOptions.StorageName, (sp, _) =>
                new InProcessGrainStorage(new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()))); // as the Redis storage
        });

        var before = ProcessedEventCounter.Processed;
        using var sampler = ResourceSampler.Start(redisPid);
        await ProcessedEventCounter.WaitForAsync(workload.Count, "orleans-ceiling");
        return sampler.Finish("orleans-ceiling", ProcessedEventCounter.Processed - before, factory.Published);
    }
}
