using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Segmenter.Benchmarks;

/// <summary>Runs the three columns on the same input for each device count and formats the table.</summary>
internal static class ThroughputBenchmark
{
    public static async Task<string> RunAsync(int[] deviceCounts, int events, int partitions, int[] siloCounts, string[] columns, int? cacheSize)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Throughput, {events:N0} events per run, {partitions} partitions, cache {(cacheSize is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "default")} per partition, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}");
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
            if (columns.Contains("raw"))
            {
                Console.Error.WriteLine($"[{deviceCount} devices] raw");
                results.Add(await RawBaseline.RunAsync(infrastructure, topic, partitions, events));
            }

            if (columns.Contains("ceiling"))
            {
                Console.Error.WriteLine($"[{deviceCount} devices] orleans-ceiling");
                results.Add(await OrleansCeiling.RunAsync(workload, partitions, infrastructure.RedisPid, infrastructure.RedisConnectionString, cacheSize));
            }

            foreach (var silos in columns.Contains("segmenter") ? siloCounts : [])
            {
                Console.Error.WriteLine($"[{deviceCount} devices] segmenter, {silos} silo(s)");
                results.Add(await SegmenterRun.RunAsync(infrastructure, topic, partitions, events, silos, cacheSize));
            }

            var raw = results.FirstOrDefault(r => r.Name == "raw")?.EventsPerSecond ?? double.NaN;
            var ceiling = results.FirstOrDefault(r => r.Name == "orleans-ceiling")?.EventsPerSecond ?? double.NaN;
            foreach (var r in results)
            {
                var row = string.Create(CultureInfo.InvariantCulture,
                    $"| {deviceCount:N0} | {r.Name} | {r.EventsPerSecond:N0} | {Ratio(r.EventsPerSecond, raw)} | {Ratio(r.EventsPerSecond, ceiling)} | {r.Cores:0.00} | {r.PeakRssBytes / 1024.0 / 1024:N0} |");
                table.AppendLine(row);
                Console.Error.WriteLine(row); // partial results survive a failing later column
            }
        }

        return table.ToString();
    }

    /// <summary>The ratio to a column of the same run, or "-" when that column was not run.</summary>
    private static string Ratio(double value, double baseline) =>
        double.IsNaN(baseline) ? "-" : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture);
}
