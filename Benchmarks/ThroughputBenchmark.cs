using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Segmenter.Benchmarks;

/// <summary>Runs the three columns on the same input for each device count and formats the table.</summary>
internal static class ThroughputBenchmark
{
    public static async Task<string> RunAsync(int[] deviceCounts, int events, int partitions, int[] siloCounts)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Throughput, {events:N0} events per run, {partitions} partitions, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}");
        table.AppendLine("| devices | column | events/s | x raw | x ceiling | cores (incl. redis) | peak RSS MiB |");
        table.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        await using var infrastructure = await BenchInfrastructure.StartAsync();
        foreach (var deviceCount in deviceCounts)
        {
            var topic = $"bench-{deviceCount}-{Guid.NewGuid():N}"[..24];
            infrastructure.CreateTopic(topic, partitions);
            var workload = Workload.Generate(deviceCount, events);
            Console.Error.WriteLine($"[{deviceCount} devices] loading {events:N0} events");
            await InputLoader.LoadAsync(infrastructure, topic, partitions, workload);

            var results = new List<ColumnResult>();
            Console.Error.WriteLine($"[{deviceCount} devices] raw");
            results.Add(await RawBaseline.RunAsync(infrastructure, topic, partitions, events));
            Console.Error.WriteLine($"[{deviceCount} devices] orleans-ceiling");
            results.Add(await OrleansCeiling.RunAsync(workload, partitions, infrastructure.RedisPid));
            foreach (var silos in siloCounts)
            {
                Console.Error.WriteLine($"[{deviceCount} devices] segmenter, {silos} silo(s)");
                results.Add(await SegmenterRun.RunAsync(infrastructure, topic, partitions, events, silos));
            }

            var raw = results[0].EventsPerSecond;
            var ceiling = results[1].EventsPerSecond;
            foreach (var r in results)
            {
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {deviceCount:N0} | {r.Name} | {r.EventsPerSecond:N0} | {r.EventsPerSecond / raw:0.00} | {r.EventsPerSecond / ceiling:0.00} | {r.Cores:0.00} | {r.PeakRssBytes / 1024.0 / 1024:N0} |");
            }
        }

        return table.ToString();
    }
}
