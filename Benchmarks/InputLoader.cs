using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Segmenter.Contracts;

namespace Segmenter.Benchmarks;

/// <summary>
/// Writes a workload to an input topic the way a good producer does (idempotent, lz4, large batches), then checks that
/// the broker kept every record: the embedded broker keeps only 5 MiB per partition, and a benchmark that lost input
/// to retention is void.
/// </summary>
internal static class InputLoader
{
    public static async Task LoadAsync(BenchInfrastructure infrastructure, string topic, int partitions, List<(string Device, Envelope Envelope)> workload)
    {
        using var producer = infrastructure.NewProducer(lingerMs: 50, batchSize: 1_000_000);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var keyContext = new SerializationContext(MessageComponentType.Key, topic);
        var valueContext = new SerializationContext(MessageComponentType.Value, topic);
        var errors = 0;
        foreach (var (device, envelope) in workload)
        {
            if (!keys.TryGetValue(device, out var key))
                keys[device] = key = await infrastructure.Serdes.DeviceSerializer.SerializeAsync(new Device(device), keyContext);
            var value = await infrastructure.Serdes.EnvelopeSerializer.SerializeAsync(envelope, valueContext);
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Key = key, Value = value, Timestamp = new Timestamp(envelope.Timestamp) },
                        report => { if (report.Error.IsError) Interlocked.Increment(ref errors); });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        if (errors > 0)
            throw new InvalidOperationException($"{errors} input records were not acknowledged; the run is void.");

        var watermarks = infrastructure.Watermarks(topic, partitions);
        var kept = watermarks.Sum(w => w.High - w.Low);
        if (watermarks.Any(w => w.Low > 0) || kept != workload.Count)
            throw new InvalidOperationException($"The broker kept {kept} of {workload.Count} input records (retention deleted some); the run is void. Use more partitions.");
    }
}
