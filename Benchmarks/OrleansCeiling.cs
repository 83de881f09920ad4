using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using Segmenter.Contracts;
using Segmenter.Grains.Hosting;
using Segmenter.Hosting;

namespace Segmenter.Benchmarks;

/// <summary>
/// The architecture's limit: the same grain logic fed by Orleans memory streams, with memory storage and in-memory
/// reminders — no Kafka, no Avro, no Redis. The input is grouped per device in reads of 2,000 records, as the Kafka
/// receiver packs them.
/// </summary>
internal static class OrleansCeiling
{
    public static async Task<ColumnResult> RunAsync(List<(string Device, Envelope Envelope)> workload, int partitions, int redisPid, string redisConnectionString)
    {
        ProcessedEventCounter.Reset();
        await using var silos = await BenchSilos.StartAsync(1, $"ceiling-{Guid.NewGuid():N}", silo =>
        {
            silo.AddSegmenter();
            silo.AddSegmenterDeadlineIndex(redisConnectionString); // the grain's purge guard; unused in a run this short
            silo.AddMemoryStreams(SegmenterOptions.StreamProvider, streams => streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly));
            silo.AddMemoryGrainStorage(SegmenterOptions.StorageName, (OptionsBuilder<MemoryGrainStorageOptions> o) => o.Configure<Serializer>((options, serializer) =>
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer))); // as the Redis storage
            silo.UseInMemoryReminderService();
        });
        var provider = silos.Client.GetStreamProvider(SegmenterOptions.StreamProvider);
        var inputs = workload.Select((w, i) => (w.Device, Input: new DeviceInput(w.Envelope, new SourcePosition(Math.Abs(w.Device.GetHashCode(StringComparison.Ordinal)) % partitions, i), w.Envelope.Timestamp))).ToList();

        using var sampler = ResourceSampler.Start(redisPid);
        long sent = 0;
        foreach (var read in inputs.Chunk(2_000))
        {
            // Stay a bounded window ahead of the grains: the memory queues are bounded, and retry storms would measure them.
            while (sent - ProcessedEventCounter.Processed > 8_000)
                await Task.Delay(2);
            var sends = read.GroupBy(r => r.Device).Select(g => SendAsync(provider.GetStream<DeviceInput>(StreamNamespaces.Events, g.Key), [.. g.Select(r => r.Input)]));
            await Task.WhenAll(sends);
            sent += read.Length;
        }

        while (ProcessedEventCounter.Processed < workload.Count)
            await Task.Delay(20);
        return sampler.Finish("orleans-ceiling", ProcessedEventCounter.Processed, 0);
    }

    private static async Task SendAsync(IAsyncStream<DeviceInput> stream, List<DeviceInput> events)
    {
        while (true)
        {
            try
            {
                await stream.OnNextBatchAsync(events);
                return;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("maximum", StringComparison.Ordinal))
            {
                // The memory queue is bounded: wait for the agents to drain it.
                await Task.Delay(10);
            }
        }
    }
}
