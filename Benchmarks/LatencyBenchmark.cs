using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Benchmarks;

/// <summary>
/// End-to-end latency at fixed input rates: an event's envelope carries the time it was produced; a reader of
/// <c>session-events</c> takes the difference when the re-keyed event is visible. Full pipeline, one silo.
/// </summary>
internal static class LatencyBenchmark
{
    public static async Task<string> RunAsync(int[] rates, TimeSpan duration, int devices, int partitions)
    {
        await using var infrastructure = await BenchInfrastructure.StartAsync();
        var run = $"lat-{Guid.NewGuid():N}"[..12];
        infrastructure.CreateTopic($"{run}-events", partitions);
        await using var silos = await BenchSilos.StartSegmenterAsync(infrastructure, 1, run, $"{run}-events", partitions);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Latency, produce to output visible, {devices:N0} devices, {duration.TotalSeconds:0} s per rate, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine("| input events/s | achieved/s | measured | p50 ms | p95 ms | p99 ms | max ms | broker alone p50 / p99 ms |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        // The baseline in the same run: a plain consumer of the input topic sees each record after the producer's linger
        // and the broker's fetch, the floor under any pipeline on this broker.
        using var broker = new LatencyReader(infrastructure, $"{run}-events", partitions);
        using var reader = new LatencyReader(infrastructure, $"{run}-session-events", partitions);
        using var producer = new PacedProducer(infrastructure, $"{run}-events");
        foreach (var rate in rates)
        {
            Console.Error.WriteLine($"[latency] {rate:N0} events/s for {duration.TotalSeconds:0} s");
            var warmUp = TimeSpan.FromSeconds(Math.Min(3, duration.TotalSeconds / 4));
            var started = DateTimeOffset.UtcNow;
            var sent = await producer.RunAsync(rate, duration, devices);
            await Task.Delay(2_000); // the tail of the run reaches the output
            var samples = reader.Take(started + warmUp, started + duration);
            var floor = broker.Take(started + warmUp, started + duration);
            var achieved = sent / duration.TotalSeconds;
            if (samples.Length == 0 || floor.Length == 0)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {rate:N0} | {achieved:N0} | 0 | - | - | - | - | - |");
                continue;
            }

            Array.Sort(samples);
            Array.Sort(floor);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {rate:N0} | {achieved:N0} | {samples.Length:N0} | {P(samples, 0.50):0.0} | {P(samples, 0.95):0.0} | {P(samples, 0.99):0.0} | {samples[^1]:0.0} | {P(floor, 0.50):0.0} / {P(floor, 0.99):0.0} |");
        }

        return report.ToString();
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>Sends events at a fixed rate (1 ms ticks) with their send time as event time.</summary>
    private sealed class PacedProducer(BenchInfrastructure infrastructure, string topic) : IDisposable
    {
        private readonly IProducer<byte[], byte[]> _producer = infrastructure.NewProducer(lingerMs: 2);

        private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
        private readonly Random _random = new(3);
        private readonly Dictionary<int, (int Step, long Seq)> _devices = [];

        public async Task<long> RunAsync(int rate, TimeSpan duration, int devices)
        {
            var keyContext = new SerializationContext(MessageComponentType.Key, topic);
            var valueContext = new SerializationContext(MessageComponentType.Value, topic);
            var start = DateTimeOffset.UtcNow;
            long sent = 0;
            while (DateTimeOffset.UtcNow - start < duration)
            {
                var due = (long)((DateTimeOffset.UtcNow - start).TotalSeconds * rate);
                for (; sent < due; sent++)
                {
                    var d = _random.Next(devices);
                    var (step, seq) = _devices.GetValueOrDefault(d);
                    DeviceEvent evt = step switch { 0 => DeviceWokeUp.Instance, >= 5 => AllDataReceived.Instance, _ => new DataReceived("pressure", step) };
                    _devices[d] = (evt is AllDataReceived ? 0 : step + 1, seq + 1);
                    var device = $"device-{d}";
                    if (!_keys.TryGetValue(device, out var key))
                        _keys[device] = key = await infrastructure.Serdes.DeviceSerializer.SerializeAsync(new Device(device), keyContext);
                    var value = await infrastructure.Serdes.EnvelopeSerializer.SerializeAsync(new Envelope(evt, DateTimeOffset.UtcNow, seq + 1), valueContext);
                    _producer.Produce(topic, new Message<byte[], byte[]> { Key = key, Value = value });
                }

                await Task.Delay(1);
            }

            _producer.Flush(TimeSpan.FromSeconds(30));
            return sent;
        }

        public void Dispose() => _producer.Dispose();
    }

    /// <summary>Follows the output topic in the background and records latency per record by the event's send time.</summary>
    private sealed class LatencyReader : IDisposable
    {
        private readonly List<(DateTimeOffset Sent, double Milliseconds)> _samples = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public LatencyReader(BenchInfrastructure infrastructure, string topic, int partitions) =>
            _loop = Task.Run(() => ReadAsync(infrastructure, topic, partitions, _stop.Token));

        public double[] Take(DateTimeOffset from, DateTimeOffset to)
        {
            lock (_samples)
                return [.. _samples.Where(s => s.Sent >= from && s.Sent < to).Select(s => s.Milliseconds)];
        }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.GetAwaiter().GetResult();
            _stop.Dispose();
        }

        private async Task ReadAsync(BenchInfrastructure infrastructure, string topic, int partitions, CancellationToken stop)
        {
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = infrastructure.BootstrapServers, GroupId = $"{topic}-latency", FetchWaitMaxMs = 5 }).Build();
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            var context = new SerializationContext(MessageComponentType.Value, topic);
            while (!stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(50)) is not { } record)
                    continue;
                var seen = DateTimeOffset.UtcNow;
                var envelope = await infrastructure.Serdes.EnvelopeDeserializer.DeserializeAsync(record.Message.Value, false, context);
                lock (_samples)
                    _samples.Add((envelope.Timestamp, (seen - envelope.Timestamp).TotalMilliseconds));
            }
        }
    }
}
