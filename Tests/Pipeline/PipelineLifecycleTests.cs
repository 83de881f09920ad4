using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Grains;
using Segmenter.Grains.Scheduling;
using Segmenter.Partitions;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// Timeouts, purge and failures end to end: the partition's deadline scheduler whether the grain is active, deactivated
/// or its silo gone; state, deadline index and the partitions' reminders in a real Redis; poison input.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineLifecycleTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private Task<SegmenterTestPipeline> StartAsync(int silos = 1, TimeSpan? purgeAfter = null, TimeSpan? timeout = null) =>
        SegmenterTestPipeline.StartAsync(kafka, registry, redis, silos, partitions: 2, rules: o =>
        {
            o.InactivityTimeout = timeout ?? TimeSpan.FromSeconds(2);
            o.PurgeAfter = purgeAfter ?? TimeSpan.FromMinutes(5);
        });

    private static Envelope At(DeviceEvent evt, double seconds, long? seq = null) =>
        new(evt, DateTimeOffset.UtcNow.AddSeconds(seconds), seq);

    [Fact]
    public async Task A_session_times_out_with_no_further_event()
    {
        await using var pipeline = await StartAsync();
        await pipeline.ProduceAsync("quiet", At(DeviceWokeUp.Instance, 0));
        await pipeline.ProduceAsync("quiet", At(new DataReceived("wind", 2), 0.1));
        var started = Stopwatch.StartNew();

        await SegmenterTestPipeline.WaitUntilAsync(() => !pipeline.Summaries.IsEmpty, Patience, "the timeout summary");

        var summary = Assert.Single(pipeline.Summaries);
        Assert.Equal(CloseReason.TimedOut, summary.Reason);
        Assert.Equal(2, summary.EventCount);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Null(await pipeline.Device("quiet").GetOpenSession());
    }

    [Fact]
    public async Task A_session_times_out_once_even_after_its_grain_was_deactivated()
    {
        await using var pipeline = await StartAsync();
        var wokeUp = At(DeviceWokeUp.Instance, 0);
        var produced = DateTimeOffset.UtcNow;
        var position = await pipeline.ProduceAsync("sleepy", wokeUp);
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == 1, Patience, "the wake-up");
        var seen = DateTimeOffset.UtcNow;
        // The open session's deadlines are in its partition's index, written with the state: the event's time plus the
        // timeout (stream time), and its arrival plus the timeout (processing time), in milliseconds since 1970.
        var timeout = TimeSpan.FromSeconds(2);
        Assert.Equal((wokeUp.Timestamp + timeout).ToUnixTimeMilliseconds(), await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "stream"), "sleepy"));
        Assert.InRange(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "arrival"), "sleepy") ?? 0,
            (produced + timeout).ToUnixTimeMilliseconds(), (seen + timeout).ToUnixTimeMilliseconds());

        await pipeline.Cluster.DeactivateAsync(GrainId.Create("devicesession", "sleepy"));

        await SegmenterTestPipeline.WaitUntilAsync(() => !pipeline.Summaries.IsEmpty, Patience, "the timeout summary from the scheduler");
        // Witness: the partition's scheduler closed a later session, at a tick past sleepy's deadlines; any tick that
        // would close sleepy again came by then.
        await pipeline.WitnessSchedulerPassAsync(Patience, position.Partition);
        Assert.Equal(CloseReason.TimedOut, Assert.Single(pipeline.Summaries, s => s.DeviceId == "sleepy").Reason);
        Assert.Null(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "arrival"), "sleepy"));
        Assert.Null(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "stream"), "sleepy"));
        // To be forgotten PurgeAfter (5 min) after its last record arrived.
        Assert.InRange(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "purge"), "sleepy") ?? 0,
            (produced + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds(), (seen + TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_session_times_out_once_after_the_silo_that_hosted_it_stopped_within_the_reminder_bound()
    {
        await using var pipeline = await StartAsync(silos: 2);
        var devices = Enumerable.Range(0, 6).Select(i => $"orphan-{i}").ToList();
        foreach (var device in devices)
            await pipeline.ProduceAsync(device, At(DeviceWokeUp.Instance, 0));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == devices.Count, Patience, "the wake-ups");

        // Stop the silo that hosts at least one of the grains, before their sessions time out.
        var host = pipeline.Cluster.Silos.First(silo => devices.Any(d => pipeline.Cluster.TryGetGrainContext(GrainId.Create("devicesession", d), out var context) && Hosts(silo, context)));
        var survivor = pipeline.Cluster.Silos.Single(silo => silo != host).ServiceProvider.GetRequiredService<SchedulerFeed>();
        var stopping = pipeline.Cluster.StopSiloAsync(host);
        // Witness: the survivor reads every partition (the hand-over is done). The bound counts from there, not from the
        // stop, whose graceful shutdown alone can take seconds on a loaded machine.
        await SegmenterTestPipeline.WaitUntilAsync(() => Enumerable.Range(0, pipeline.Partitions).All(survivor.Reads), Patience, "the survivor reading every partition");
        var tookOver = Stopwatch.StartNew();
        await stopping;

        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Count >= devices.Count, Patience, "a timeout summary per device");
        // What the bound protects: the survivor's schedulers close the orphans' sessions within a reminder period and a
        // timeout of the take-over (not at some purge, nor never); 10 s of margin for ticks, Redis and activations on a
        // loaded 2-core machine.
        var bound = TimeSpan.FromSeconds(3) /* reminder period */ + TimeSpan.FromSeconds(2) /* timeout */ + TimeSpan.FromSeconds(10) /* margin */;
        Assert.True(tookOver.Elapsed < bound, $"took {tookOver.Elapsed} after the take-over, bound {bound}");
        // Witness: every partition's scheduler closed a later session, and all input is committed and read out.
        var witnesses = await pipeline.WitnessSchedulerPassAsync(Patience);
        var summaries = pipeline.Summaries.Where(s => !witnesses.Contains(s.DeviceId)).ToList();
        Assert.Equal(devices.Order(), summaries.Select(s => s.DeviceId).Order());
        Assert.All(summaries, s => Assert.Equal(CloseReason.TimedOut, s.Reason));
    }

    [Fact]
    public async Task After_purge_the_device_has_no_Redis_key_and_no_index_entry_and_reminders_are_per_partition()
    {
        await using var pipeline = await StartAsync(purgeAfter: TimeSpan.FromSeconds(4));
        var position = await pipeline.ProduceAsync("forgotten", At(DeviceWokeUp.Instance, 0));
        var produced = DateTimeOffset.UtcNow;
        await pipeline.ProduceAsync("forgotten", At(AllDataReceived.Instance, 0.1));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Count == 1, Patience, "the completed session");
        var seen = DateTimeOffset.UtcNow;
        Assert.Equal([$"{pipeline.Run}/state/devicesession/forgotten/device"], redis.Keys($"*{pipeline.Run}*forgotten*"));
        // Due PurgeAfter (4 s) after the last record arrived.
        Assert.InRange(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "purge"), "forgotten") ?? 0,
            (produced + TimeSpan.FromSeconds(4)).ToUnixTimeMilliseconds(), (seen + TimeSpan.FromSeconds(4)).ToUnixTimeMilliseconds());

        await SegmenterTestPipeline.WaitUntilAsync(() => redis.Keys($"*{pipeline.Run}*forgotten*").Count == 0, Patience, "the purge");

        Assert.Null(await redis.Database.SortedSetScoreAsync(pipeline.DeadlineKey(position.Partition, "purge"), "forgotten"));
        Assert.Null(await pipeline.Device("forgotten").GetSnapshot());
        // No reminder names a device: one per input partition, registered by its scheduler.
        var reminders = (await redis.Database.SortedSetRangeByRankAsync($"{pipeline.Run}/reminders")).Select(m => m.ToString()).ToList();
        Assert.DoesNotContain(reminders, r => r.Contains("forgotten", StringComparison.Ordinal));
        Assert.Equal(pipeline.Partitions, reminders.Count(r => r.Contains("partition-deadlines", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Poison_records_and_unknown_event_kinds_do_not_stop_the_device_or_the_partition()
    {
        await using var pipeline = await StartAsync();
        await pipeline.ProduceAsync("steady", At(DeviceWokeUp.Instance, 0));
        await pipeline.ProduceRawAsync(null, [1, 2, 3]);
        await pipeline.ProduceRawAsync("junk"u8.ToArray(), "{\"not\":\"avro\"}"u8.ToArray());
        await pipeline.ProduceAsync("steady", At(new DataReceived("pressure", 1), 0.1));
        await pipeline.ProduceAsync("steady", At(AllDataReceived.Instance, 0.2));

        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Count == 1, Patience, "the completed session");
        var summary = Assert.Single(pipeline.Summaries);
        Assert.Equal((3, CloseReason.Completed), (summary.EventCount, summary.Reason));

        // The whole dead-letter topic once every input record is handled: the two poison records, and nothing else.
        await pipeline.WaitUntilInputCommittedAsync(Patience);
        var dead = pipeline.DeadLetters(Patience).Select(d => (Header(d, DeadLetterPublisher.KindHeader), Header(d, DeadLetterPublisher.ReasonHeader))).ToList();
        Assert.Equal(2, dead.Count);
        Assert.Contains((nameof(AvroDecodeError.Missing), "The record has no key; a events.Device was expected."), dead);
        Assert.Contains(dead, d => d.Item1 == nameof(AvroDecodeError.NotAvro) && d.Item2.StartsWith("The key is not Avro with schema-registry framing (4 bytes, first byte 0x6a", StringComparison.Ordinal));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    [Fact]
    public async Task Each_partition_scheduler_lives_beside_the_silo_that_reads_the_partition()
    {
        await using var pipeline = await StartAsync(silos: 2);
        var schedulers = Enumerable.Range(0, pipeline.Partitions)
            .Select(p => pipeline.Cluster.Client.GetGrain<IPartitionSchedulerGrain>($"{pipeline.EventsTopic}/{p}")).ToList();
        await Task.WhenAll(schedulers.Select(s => s.GetStatus())); // activated by the client: on whichever silo placement picks

        string? ReaderOf(int partition) => pipeline.Cluster.Silos
            .FirstOrDefault(silo => silo.ServiceProvider.GetRequiredService<SchedulerFeed>().Partitions.Any(p => p.Partition == partition))
            ?.SiloAddress.ToString();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var placed = await Task.WhenAll(schedulers.Select(async (s, p) => (Reader: ReaderOf(p), Scheduler: (await s.GetStatus()).Silo)));
            if (placed.All(x => x.Reader is not null && x.Reader == x.Scheduler))
                break;
            Assert.True(DateTime.UtcNow < deadline, $"schedulers not beside their readers: {string.Join("; ", placed.Select((x, p) => $"{p}: read on {x.Reader}, scheduled on {x.Scheduler}"))}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Device_grains_are_activated_beside_the_silo_that_reads_their_partition()
    {
        // A timeout would end the activations too (a device that timed out leaves memory): none may happen here.
        await using var pipeline = await StartAsync(silos: 2, timeout: TimeSpan.FromMinutes(2));
        string? ReaderOf(int partition) => pipeline.Cluster.Silos
            .FirstOrDefault(silo => silo.ServiceProvider.GetRequiredService<SchedulerFeed>().Reads(partition))?.SiloAddress.ToString();
        await SegmenterTestPipeline.WaitUntilAsync(() => ReaderOf(0) is not null && ReaderOf(1) is not null, Patience, "a reader for each partition");

        // Devices of both partitions, first activated by their deliveries: with the default placement about half of
        // them would land on the silo that does not read their partition, so that every delivery would cross silos.
        var devices = Enumerable.Range(0, 16).Select(i => $"local-{i}").ToList();
        var partitionOf = new Dictionary<string, int>();
        foreach (var device in devices)
            partitionOf[device] = await pipeline.PartitionOfAsync(device);
        Assert.Equal(2, partitionOf.Values.Distinct().Count()); // both readers take part

        for (var round = 0; round < 2; round++)
        {
            foreach (var device in devices)
                await pipeline.ProduceAsync(device, At(round == 0 ? DeviceWokeUp.Instance : new DataReceived("wind", round), round * 0.1));
            await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == devices.Count * (round + 1), Patience, $"round {round}");
        }

        string? HostOf(string device) => pipeline.Cluster.Silos.FirstOrDefault(silo =>
            pipeline.Cluster.TryGetGrainContext(GrainId.Create("devicesession", device), out var context) && Hosts(silo, context))?.SiloAddress.ToString();
        Assert.All(devices, d => Assert.Equal(ReaderOf(partitionOf[d]), HostOf(d)));
    }

    private static bool Hosts(Orleans.TestingHost.InProcessSiloHandle silo, IGrainContext context) =>
        silo.ServiceProvider.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(context.Address.SiloAddress);
}
