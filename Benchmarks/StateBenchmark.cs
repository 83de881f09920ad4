using System.Diagnostics;
using System.Globalization;
using System.Text;
using Segmenter.Contracts;
using StackExchange.Redis;

namespace Segmenter.Benchmarks;

/// <summary>
/// Scale of state: many distinct devices each send one short session; then silence. Measures RSS, Redis keys and
/// reminders while the devices are remembered, and how long the purge takes to leave nothing of them behind (device
/// state keys and deadline-index entries; what stays is one reminder and one clock per partition).
/// </summary>
internal static class StateBenchmark
{
    public static async Task<string> RunAsync(int devices, int partitions, TimeSpan purgeAfter, int? cacheSize)
    {
        await using var infrastructure = await BenchInfrastructure.StartAsync();
        var run = $"state-{Guid.NewGuid():N}"[..14];
        infrastructure.CreateTopic($"{run}-events", partitions);
        var workload = new List<(string, Envelope)>(devices * 2);
        var time = DateTimeOffset.UtcNow;
        for (var d = 0; d < devices; d++)
        {
            workload.Add(($"d{d}", new Envelope(DeviceWokeUp.Instance, time, 1)));
            workload.Add(($"d{d}", new Envelope(AllDataReceived.Instance, time.AddMilliseconds(10), 2)));
        }

        Console.Error.WriteLine($"[state] loading {workload.Count:N0} events for {devices:N0} devices");
        await InputLoader.LoadAsync(infrastructure, $"{run}-events", partitions, workload);
        using var redis = await ConnectionMultiplexer.ConnectAsync(infrastructure.RedisConnectionString);
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var rssBefore = Rss();

        ProcessedEventCounter.Reset();
        var watch = Stopwatch.StartNew();
        await using var silos = await BenchSilos.StartSegmenterAsync(infrastructure, 1, run, $"{run}-events", partitions, rules => rules.PurgeAfter = purgeAfter, cacheSize);
        while (ProcessedEventCounter.Processed < workload.Count)
        {
            await Task.Delay(1_000);
            Console.Error.WriteLine($"[state] processed {ProcessedEventCounter.Processed:N0} / {workload.Count:N0}");
        }

        var processing = watch.Elapsed;
        var keysHeld = await server.DatabaseSizeAsync();
        var remindersHeld = await db.SortedSetLengthAsync($"{run}/reminders");
        var indexHeld = await IndexEntriesAsync(db, run, partitions);
        var rssHeld = Rss();
        var peakRss = PeakRss();

        watch.Restart();
        long deviceKeys;
        while ((deviceKeys = await DeviceKeysAsync(server, run)) > 0 || await IndexEntriesAsync(db, run, partitions) > 0)
        {
            Console.Error.WriteLine($"[state] purging: {deviceKeys:N0} device keys, {await IndexEntriesAsync(db, run, partitions):N0} index entries left");
            if (watch.Elapsed > purgeAfter + TimeSpan.FromMinutes(20))
                break;
            await Task.Delay(2_000);
        }

        var purging = watch.Elapsed;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var rssAfter = Rss();
        var keysAfter = await server.DatabaseSizeAsync();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"State scale, {devices:N0} devices (one completed session each), PurgeAfter {purgeAfter.TotalSeconds:0} s, cache {(cacheSize is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "default")} per partition, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine("| measure | value |");
        report.AppendLine("|---|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| events processed | {workload.Count:N0} in {processing.TotalSeconds:0.0} s ({workload.Count / processing.TotalSeconds:N0}/s, incl. silo start) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| RSS before / while held / after purge | {rssBefore:N0} / {rssHeld:N0} / {rssAfter:N0} MiB |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| peak RSS while held, per device | {peakRss:N0} MiB, {(peakRss - rssBefore) * 1024.0 * 1024 / devices:N0} bytes per device above the start |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Redis keys while held / after purge | {keysHeld:N0} / {keysAfter:N0} (after: the reminder table and one scheduler clock per partition) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| device state keys / deadline-index entries after purge | {await DeviceKeysAsync(server, run):N0} / {await IndexEntriesAsync(db, run, partitions):N0} (held: {indexHeld:N0} index entries) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| reminders while held / after purge | {remindersHeld:N0} / {await db.SortedSetLengthAsync($"{run}/reminders"):N0} ({partitions} partitions) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| time from last event to no device left | {purging.TotalSeconds:0} s (PurgeAfter {purgeAfter.TotalSeconds:0} s) |");
        return report.ToString();
    }

    private static async Task<long> DeviceKeysAsync(IServer server, string run)
    {
        long count = 0;
        await foreach (var _ in server.KeysAsync(pattern: $"{run}/state/*", pageSize: 10_000))
            count++;
        return count;
    }

    private static async Task<long> IndexEntriesAsync(IDatabase db, string run, int partitions)
    {
        long entries = 0;
        for (var p = 0; p < partitions; p++)
        {
            foreach (var kind in new[] { "stream", "arrival", "purge" })
                entries += await db.SortedSetLengthAsync($"{run}/deadlines/{run}-events/{p}/{kind}");
        }

        return entries;
    }

    private static long PeakRss()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / 1024 / 1024;
    }

    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1024 / 1024;
    }
}
