using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The Kafka stream provider end to end: the embedded Kafka over TCP, in-process Orleans silos, an implicitly
/// subscribed grain. Nothing of the provider is faked.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class KafkaProviderTests(EmbeddedKafkaFixture kafka)
{
    public const string Namespace = "test-events";
    public const string OutputNamespace = "test-output";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_over_several_partitions_reach_their_grains_exactly_once_in_order_per_key_on_two_silos()
    {
        var topic = kafka.NewTopic("in", partitions: 6);
        var run = topic;
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 2);
        await WaitUntilDeliveredAsync(cluster, partitions: 6); // both silos own their share before data flows

        var sent = Produce(topic, keys: 24, perKey: 25);
        var received = await TestEventSink.WaitForAsync(run, sent.Count, Patience);

        AssertExactlyOnceInOrder(sent, received);
        await WaitUntilDeliveredAsync(cluster, partitions: 6);
        Assert.All(cluster.Silos, silo => Assert.True(Owned(silo) > 0, $"silo {silo.SiloAddress} owns no partition"));
    }

    [Fact]
    public async Task After_a_crash_consumption_resumes_at_the_committed_offset_and_the_unacknowledged_event_comes_again()
    {
        var topic = kafka.NewTopic("crash", partitions: 1);
        var run = topic;
        var first = Produce(topic, keys: 5, perKey: 20, startAt: 0);
        using var commits = new CounterReader(KafkaStreamMetrics.MeterName, "kafka.stream.offsets.committed", tags => Equals(tags.GetValueOrDefault("topic"), topic));
        // A short idle re-commit: while the commit waits at the held record, the committer still commits (the same offset)
        // every 300 ms, which witnesses that it ran after everything else was delivered.
        var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => o.IdleRecommitInterval = TimeSpan.FromMilliseconds(300));
        await TestEventSink.WaitForAsync(run, first.Count, Patience);
        await WaitForCommitAsync(topic, run, first.Count);

        // The consumer of key k2 does not acknowledge value v2-25: that stream stalls behind it, the others go on.
        TestEventSink.HoldWhere(run, e => e.Value == "v2-25");
        var second = Produce(topic, keys: 5, perKey: 20, startAt: 20);
        var held = second.Single(s => s.Value == "v2-25");
        await TestEventSink.WaitForAsync(run, first.Count + (4 * 20) + 1, Patience);
        // Witness: three commits after every other event was received. Commits are at least 200 ms apart and the others'
        // acknowledgements follow their receipt at once, so the later ones came with everything but the held stream
        // delivered: a commit that would pass the held record had its chances.
        var commitsWhenHeld = commits.RecordedAt.Count;
        await Pipeline.SegmenterTestPipeline.WaitUntilAsync(() => commits.RecordedAt.Count >= commitsWhenHeld + 3, Patience, "three commits while the event is held");
        var committedBeforeCrash = kafka.Committed(topic, 1, run)[0];

        await cluster.KillSiloAsync(cluster.Silos[0]);
        await cluster.DisposeAsync();
        var beforeRestart = TestEventSink.Of(run).Count;
        TestEventSink.StopHolding(run);

        await using var restarted = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var heldOffset = TestEventSink.Of(run).First(e => e.Value == held.Value).Offset;
        // Not past the unacknowledged record (it may stay at the start of the read that holds it: a read's records of one
        // stream are one container, committed once all of it is delivered).
        Assert.True(committedBeforeCrash <= heldOffset, $"committed {committedBeforeCrash} passed the unacknowledged offset {heldOffset}");
        Assert.True(committedBeforeCrash >= first.Count, $"committed {committedBeforeCrash} did not cover the first {first.Count} acknowledged events");

        var all = first.Concat(second).ToList();
        var afterRestart = await TestEventSink.WaitUntilAsync(run, r => r.Count(e => e.Value == held.Value) == 2 && r.Select(e => e.Value).Distinct().Count() == all.Count, Patience);
        var replayed = afterRestart.Skip(beforeRestart).ToList();
        Assert.Contains(replayed, e => e.Value == held.Value);
        Assert.DoesNotContain(replayed, e => e.Offset < committedBeforeCrash);
        Assert.Equal(all.Select(s => s.Value).Order(), afterRestart.Select(e => e.Value).Distinct().Order());
    }

    [Fact]
    public async Task A_clean_stop_commits_what_was_delivered_so_the_next_start_replays_nothing()
    {
        var topic = kafka.NewTopic("stop", partitions: 3);
        var run = topic;
        var first = Produce(topic, keys: 9, perKey: 10, startAt: 0);
        var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => o.CommitInterval = TimeSpan.FromHours(1)); // only the hand-over commits
        await TestEventSink.WaitForAsync(run, first.Count, Patience);
        await WaitUntilDeliveredAsync(cluster, partitions: 3); // received is not yet acknowledged: wait for the acks

        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        Assert.Equal(first.Count, kafka.Committed(topic, 3, run).Sum());

        var second = Produce(topic, keys: 9, perKey: 10, startAt: 10);
        await using var restarted = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        await TestEventSink.WaitForAsync(run, first.Count + second.Count, Patience);
        // Witness: the commit reached the end of every partition, so every record from where the restart began was
        // delivered (in order) and acknowledged: a replay of the first records would be in the sink by now.
        await WaitForCommitAsync(topic, run, first.Count + second.Count);

        AssertExactlyOnceInOrder(first.Concat(second).ToList(), TestEventSink.Of(run));
    }

    [Fact]
    public async Task A_hand_over_while_a_read_waits_on_a_slow_dead_letter_write_commits_nothing_the_agent_did_not_take()
    {
        // A poison record in the middle of a read: the receiver waits for its dead-letter write (a 4 s linger makes it
        // slow) before it hands the read to the agent. The silo stops meanwhile: the records of that read were never
        // taken into the cache, so the hand-over commit must stay before them, and the next start delivers them.
        var topic = kafka.NewTopic("slowdlq", partitions: 1);
        var run = topic;
        using (var producer = kafka.NewProducer())
        {
            for (var i = 0; i < 10; i++)
                producer.Produce(topic, Utf8($"k{i % 3}", i == 4 ? "poison" : $"v{i}"));
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => o.ProducerLinger = TimeSpan.FromSeconds(4));
        await TestEventSink.WaitUntilAsync(run, _ => Utf8TestDecoder.AttemptsAt(run, 0, 4) > 0, Patience); // the read is waiting on the dead letter
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();

        // The race happened: the stop left records of the waiting read undelivered, and the commit stayed before them.
        var delivered = TestEventSink.Of(run).Select(e => e.Offset).ToHashSet();
        var committed = kafka.Committed(topic, 1, run)[0];
        var undelivered = Enumerable.Range(0, 10).Where(o => o != 4 && !delivered.Contains(o)).ToList();
        Assert.True(undelivered.Count > 0, $"every record was delivered before the stop (delivered: {string.Join(",", delivered.Order())}): the stop did not meet the waiting read");
        Assert.True(committed < 10, $"committed {committed}: the hand-over commit passed the read the agent never took");
        Assert.True(Enumerable.Range(0, (int)Math.Max(committed, 0)).All(o => o == 4 || delivered.Contains(o)),
            $"committed {committed} passed records that were never delivered (delivered: {string.Join(",", delivered.Order())})");

        await using var restarted = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var all = await TestEventSink.WaitUntilAsync(run, r => Enumerable.Range(0, 10).Where(o => o != 4).All(o => r.Any(e => e.Offset == o)), Patience);
        Assert.Equal(9, all.Select(e => e.Offset).Distinct().Count());

        // Dead letters are at least once across a hand-over: the stopping silo's write completed (the agent waits for the
        // read), but its offset was not committed, so the next owner writes it again. Nothing else is in the topic.
        await WaitForCommitAsync(topic, run, 10);
        var dead = kafka.ReadToEnd($"{topic}-dlq", 1, Patience);
        Assert.InRange(dead.Count, 1, 2);
        Assert.All(dead, d => Assert.Equal(("4", "TestPoison", "'poison' is not a test event."),
            (Header(d, DeadLetterPublisher.SourceOffsetHeader), Header(d, DeadLetterPublisher.KindHeader), Header(d, DeadLetterPublisher.ReasonHeader))));
    }

    [Fact]
    public async Task When_a_silo_leaves_its_partitions_move_to_the_other_and_nothing_is_lost()
    {
        var topic = kafka.NewTopic("leave", partitions: 8);
        var run = topic;
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 2);
        await WaitUntilDeliveredAsync(cluster, partitions: 8);
        var first = Produce(topic, keys: 16, perKey: 10, startAt: 0);
        await TestEventSink.WaitForAsync(run, first.Count, Patience);
        await WaitUntilDeliveredAsync(cluster, partitions: 8);
        var leaving = cluster.Silos.Select(s => (Silo: s, Owned: Owned(s))).OrderByDescending(s => s.Owned).First();
        Assert.True(leaving.Owned > 0);

        await cluster.StopSiloAsync(leaving.Silo);
        var second = Produce(topic, keys: 16, perKey: 10, startAt: 10);
        var received = await WaitForAllAsync(run, first.Concat(second).ToList(), Patience);

        Assert.Equal(8, Owned(cluster.Silos.Single(s => s != leaving.Silo)));
        // A planned move commits and hands over before the new owner reads: nothing lost, nothing replayed.
        AssertExactlyOnceInOrder(first.Concat(second).ToList(), received);
    }

    [Fact]
    public async Task Poison_and_any_exception_but_the_deferred_one_go_to_the_dead_letter_topic_and_the_partition_moves_on()
    {
        var topic = kafka.NewTopic("poison", partitions: 1);
        var run = topic;
        using (var producer = kafka.NewProducer())
        {
            await producer.ProduceAsync(topic, Utf8("k", "before"));
            await producer.ProduceAsync(topic, Utf8("k", "poison-pill"));
            await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = null!, Value = Encoding.UTF8.GetBytes("no key") });
            await producer.ProduceAsync(topic, Utf8("k", "throw-1"));
            await producer.ProduceAsync(topic, Utf8("k", "cancelled-1"));
            await producer.ProduceAsync(topic, Utf8("k", "defer-2-late"));
            await producer.ProduceAsync(topic, Utf8("k", "after"));
        }

        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var received = await TestEventSink.WaitForAsync(run, 3, Patience);
        await WaitForCommitAsync(topic, run, 7);
        var dead = kafka.ReadToEnd($"{topic}-dlq", 1, Patience);

        // The deferred record was kept and decoded again, in order, until its decoder could: never dead-lettered.
        Assert.Equal(["before", "defer-2-late", "after"], received.Select(e => e.Value));
        Assert.Equal(3, Utf8TestDecoder.AttemptsAt(run, 0, 5));
        Assert.Equal(
            [
                ("1", "TestPoison", "'poison-pill' is not a test event."),
                ("2", "Missing", "The record has no key."),
                ("3", KafkaDecodeResult.DecoderFailedKind, "System.InvalidOperationException: The test decoder cannot read 'throw-1'."),
                ("4", KafkaDecodeResult.DecoderFailedKind, "System.OperationCanceledException: The test decoder gave up on 'cancelled-1'."),
            ],
            dead.Select(d => (Header(d, DeadLetterPublisher.SourceOffsetHeader), Header(d, DeadLetterPublisher.KindHeader), Header(d, DeadLetterPublisher.ReasonHeader))));
        Assert.All(dead, d => Assert.Equal((topic, "0"), (Header(d, DeadLetterPublisher.SourceTopicHeader), Header(d, DeadLetterPublisher.SourcePartitionHeader))));
        Assert.Equal("poison-pill", Encoding.UTF8.GetString(dead[0].Message.Value));
        Assert.Equal("throw-1", Encoding.UTF8.GetString(dead[2].Message.Value));
        Assert.All(dead, d => Assert.False(d.Message.Headers.TryGetLastBytes(DeadLetterPublisher.TruncatedHeader, out _)));
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;
        Assert.Equal(4, metrics.Snapshot().RecordsDeadLettered);
    }

    [Fact]
    public async Task Of_a_failing_streams_records_read_together_only_the_one_that_fails_is_dead_lettered_and_the_others_are_delivered_once()
    {
        var topic = kafka.NewTopic("isolate", partitions: 1);
        var run = topic;
        TestEventSink.FailWhere(run, e => e.Value.StartsWith("fail", StringComparison.Ordinal) ? new InvalidOperationException($"cannot take {e.Value}") : null);
        // Produced before the silo starts, so one read takes them all: k0's five records are one container.
        ProduceInOrder(topic, ("k0", "v0"), ("k1", "w0"), ("k0", "v1"), ("k0", "fail-2"), ("k1", "w1"), ("k0", "v3"), ("k0", "v4"));

        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => { o.DeliveryAttempts = 2; o.DeliveryFailureMinimumTime = TimeSpan.Zero; });
        await WaitForCommitAsync(topic, run, 7);
        var dead = kafka.ReadToEnd($"{topic}-dlq", 1, Patience);

        Assert.Contains(TestEventSink.FailedDeliveries(run), f => f.Values.Length > 1 && f.Values.Contains("fail-2")); // it was read with others
        Assert.Contains(TestEventSink.FailedDeliveries(run), f => f.Values.SequenceEqual(["fail-2"])); // and failed alone
        var letter = Assert.Single(dead);
        Assert.Equal(("3", "DeliveryFailed"), (Header(letter, DeadLetterPublisher.SourceOffsetHeader), Header(letter, DeadLetterPublisher.KindHeader)));
        var reason = Header(letter, DeadLetterPublisher.ReasonHeader);
        Assert.Matches(@"^Delivery to the consumers of stream test-events/k0 of the \d records read together at offsets \d\.\.\d failed 2 times over [\d.]+ s; delivered alone, this record failed too: System.InvalidOperationException: cannot take fail-2$", reason);
        Assert.Equal("fail-2", Encoding.UTF8.GetString(letter.Message.Value));

        // The innocent records of the same container were delivered, each once and in order, and so was the other stream.
        var received = TestEventSink.Of(run);
        Assert.Equal(["v0", "v1", "v3", "v4"], received.Where(e => e.Key == "k0").Select(e => e.Value));
        Assert.Equal(["w0", "w1"], received.Where(e => e.Key == "k1").Select(e => e.Value));
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;
        Assert.Equal(1, metrics.Snapshot().RecordsDeadLettered);
    }

    [Fact]
    public async Task A_delivery_failing_for_a_passing_reason_is_dead_lettered_once_it_has_failed_for_the_time_limit()
    {
        // The grain "hangs" on hang-1: every delivery holding it times out, which looks like an outage. After the time
        // limit the container is delivered one by one: v0 goes through; hang-1 times out alone and, the limit being spent,
        // cannot be told from an outage, so it and the record after it are dead-lettered together, naming the container.
        var topic = kafka.NewTopic("hang", partitions: 1);
        var run = topic;
        var limit = TimeSpan.FromSeconds(4);
        TestEventSink.FailWhere(run, e => e.Value.StartsWith("hang", StringComparison.Ordinal) ? new TimeoutException($"no response for {e.Value}") : null);
        ProduceInOrder(topic, ("k0", "v0"), ("k0", "hang-1"), ("k0", "v2"), ("k1", "w0"));

        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => { o.PassingFailureLimit = limit; o.DeliveryAttempts = 1; });
        await WaitForCommitAsync(topic, run, 4);
        var dead = kafka.ReadToEnd($"{topic}-dlq", 1, Patience);

        var failed = TestEventSink.FailedDeliveries(run);
        Assert.True(failed.Count > 2, $"a passing failure was retried only {failed.Count} times"); // not cut short by DeliveryAttempts
        Assert.Equal(["1", "2"], dead.Select(d => Header(d, DeadLetterPublisher.SourceOffsetHeader)));
        Assert.All(dead, d =>
        {
            Assert.Equal("DeliveryFailed", Header(d, DeadLetterPublisher.KindHeader));
            Assert.Matches(@"^Delivery to the consumers of stream test-events/k0 of the 3 records read together at offsets 0\.\.2 kept failing for [\d.]+ s \(\d+ attempts; a delivery is retried for at most 4 s\); delivered one by one, the record at offset 1 failed for a passing reason too, so it and the 1 after it are dead-lettered together; last: System.TimeoutException: no response for hang-1$",
                Header(d, DeadLetterPublisher.ReasonHeader));
            Assert.True(d.Message.Timestamp.UtcDateTime >= failed[0].At.UtcDateTime + limit, "dead-lettered before the time limit");
        });
        Assert.Equal(["v0", "w0"], TestEventSink.Of(run).Select(e => e.Value).Order());
    }

    [Fact]
    public async Task A_deferred_record_is_decoded_again_after_pauses_that_double_and_then_flows_in_order()
    {
        var topic = kafka.NewTopic("backoff", partitions: 1);
        var run = topic;
        ProduceInOrder(topic, ("k", "defer-5-late"), ("k", "after"));

        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var received = await TestEventSink.WaitForAsync(run, 2, Patience);

        Assert.Equal(["defer-5-late", "after"], received.Select(e => e.Value));
        var times = Utf8TestDecoder.AttemptTimes(run, 0, 0);
        Assert.Equal(6, times.Count); // five deferrals, then decoded (the agent asks every 10 ms meanwhile)
        var pauses = times.Zip(times.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToList();
        for (var i = 0; i < pauses.Count; i++)
            Assert.True(pauses[i] >= 100 * (1 << i), $"pause {i} was {pauses[i]:0} ms (all: {string.Join(", ", pauses.Select(p => p.ToString("0", CultureInfo.InvariantCulture)))})");
        Assert.Equal(1, Utf8TestDecoder.AttemptsAt(run, 0, 1)); // the record behind it waited, undecoded
    }

    [Fact]
    public async Task A_dead_letter_too_large_to_write_is_written_truncated_and_points_to_the_original()
    {
        var topic = kafka.NewTopic("oversized", partitions: 1);
        var run = topic;
        var bigValue = Encoding.UTF8.GetBytes("poison-" + new string('x', 1_200_000));
        var bigHeader = new byte[1_100_000];
        using (var producer = kafka.NewProducer(messageMaxBytes: 4_000_000))
        {
            await producer.ProduceAsync(topic, Utf8("k", "before"));
            await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = bigValue, Headers = new Headers { { "trace", "t-1"u8.ToArray() } } });
            await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = "poison-headers"u8.ToArray(), Headers = new Headers { { "blob", bigHeader } } });
            await producer.ProduceAsync(topic, Utf8("k", "after"));
        }

        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var received = await TestEventSink.WaitForAsync(run, 2, Patience);
        await WaitForCommitAsync(topic, run, 4);
        var dead = kafka.ReadToEnd($"{topic}-dlq", 1, Patience);

        Assert.Equal(["before", "after"], received.Select(e => e.Value));
        Assert.Equal(2, dead.Count);

        // Too large for the silo's producer (message.max.bytes 1,000,000): the first KeptBytes of the value, the original
        // headers, and what was cut.
        var truncated = dead[0];
        Assert.Equal(("1", "TestPoison", "true"), (Header(truncated, DeadLetterPublisher.SourceOffsetHeader), Header(truncated, DeadLetterPublisher.KindHeader), Header(truncated, DeadLetterPublisher.TruncatedHeader)));
        Assert.StartsWith("'poison-xxx", Header(truncated, DeadLetterPublisher.ReasonHeader), StringComparison.Ordinal);
        Assert.Equal(bigValue[..DeadLetterPublisher.KeptBytes], truncated.Message.Value);
        Assert.Equal("k", Encoding.UTF8.GetString(truncated.Message.Key));
        Assert.Equal("t-1", Header(truncated, "trace"));
        Assert.Equal((bigValue.Length.ToString(CultureInfo.InvariantCulture), "1"), (Header(truncated, DeadLetterPublisher.OriginalValueBytesHeader), Header(truncated, DeadLetterPublisher.OriginalKeyBytesHeader)));
        Assert.Contains("too large", Header(truncated, DeadLetterPublisher.TruncatedReasonHeader), StringComparison.OrdinalIgnoreCase);

        // Its headers alone are too large: only the dlq.* headers are left, and they still name the source.
        var bare = dead[1];
        Assert.Equal(("2", topic, "0", "TestPoison", "true"), (Header(bare, DeadLetterPublisher.SourceOffsetHeader), Header(bare, DeadLetterPublisher.SourceTopicHeader),
            Header(bare, DeadLetterPublisher.SourcePartitionHeader), Header(bare, DeadLetterPublisher.KindHeader), Header(bare, DeadLetterPublisher.TruncatedHeader)));
        Assert.Equal("'poison-headers' is not a test event.", Header(bare, DeadLetterPublisher.ReasonHeader));
        Assert.StartsWith("MsgSizeTooLarge: ", Header(bare, DeadLetterPublisher.TruncatedReasonHeader), StringComparison.Ordinal);
        Assert.False(bare.Message.Headers.TryGetLastBytes("blob", out _));
        Assert.Equal((4 + bigHeader.Length).ToString(CultureInfo.InvariantCulture), Header(bare, DeadLetterPublisher.OriginalHeadersBytesHeader));
        // Under its own key, with an empty value (null would delete on a compacted dead-letter topic).
        Assert.Equal(("k", 0), (Encoding.UTF8.GetString(bare.Message.Key), bare.Message.Value.Length));
    }

    [Fact]
    public async Task Events_a_grain_publishes_are_produced_to_the_output_topic_keyed_and_partitioned_like_Kafka()
    {
        var topic = kafka.NewTopic("pub-in", partitions: 1);
        var output = kafka.NewTopic("pub-out", partitions: 5);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, topic, silos: 1, outputTopic: output);
        var keys = Enumerable.Range(0, 20).Select(i => $"device-{i}").ToList();

        foreach (var key in keys)
            await cluster.Client.GetGrain<IRecordingGrain>(key).Publish(KafkaTestCluster.Provider, OutputNamespace, [$"{key}:a", $"{key}:b"]);

        var records = kafka.ReadAll(output, 5, expected: 40, Patience);
        Assert.Equal(40, records.Count);
        foreach (var record in records)
        {
            var key = Encoding.UTF8.GetString(record.Message.Key);
            Assert.StartsWith(key + ":", Encoding.UTF8.GetString(record.Message.Value), StringComparison.Ordinal);
            Assert.Equal(Murmur2Partitioner.Partition(record.Message.Key, 5), record.Partition.Value);
        }

        foreach (var perKey in records.GroupBy(r => Encoding.UTF8.GetString(r.Message.Key)))
            Assert.Equal([$"{perKey.Key}:a", $"{perKey.Key}:b"], perKey.OrderBy(r => r.Offset.Value).Select(r => Encoding.UTF8.GetString(r.Message.Value)));
    }

    private sealed record Sent(string Key, string Value);

    private List<Sent> Produce(string topic, int keys, int perKey, int startAt = 0)
    {
        var sent = new List<Sent>();
        using var producer = kafka.NewProducer();
        for (var i = startAt; i < startAt + perKey; i++)
        {
            for (var k = 0; k < keys; k++)
            {
                var item = new Sent($"k{k}", $"v{k}-{i}");
                producer.Produce(topic, Utf8(item.Key, item.Value));
                sent.Add(item);
            }
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return sent;
    }

    /// <summary>Produces the records to one partition in one flush; the producer is idempotent, so offsets follow the list.</summary>
    private void ProduceInOrder(string topic, params (string Key, string Value)[] records)
    {
        using var producer = kafka.NewProducer();
        foreach (var (key, value) in records)
            producer.Produce(topic, Utf8(key, value));
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static Message<byte[], byte[]> Utf8(string key, string value) =>
        new() { Key = Encoding.UTF8.GetBytes(key), Value = Encoding.UTF8.GetBytes(value) };

    private static string Header(ConsumeResult<byte[], byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    private static void AssertExactlyOnceInOrder(List<Sent> sent, IReadOnlyList<TestEvent> received)
    {
        var duplicates = received.GroupBy(e => e.Value).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "delivered more than once: " + string.Join(", ", duplicates.Take(10)));
        Assert.Equal(sent.Select(s => s.Value).Order(), received.Select(e => e.Value).Order());
        foreach (var key in sent.GroupBy(s => s.Key))
            Assert.Equal(key.Select(s => s.Value), received.Where(e => e.Key == key.Key).Select(e => e.Value));
    }

    private static async Task<IReadOnlyList<TestEvent>> WaitForAllAsync(string run, List<Sent> sent, TimeSpan timeout)
    {
        var expected = sent.Select(s => s.Value).ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !expected.IsSubsetOf(TestEventSink.Of(run).Select(e => e.Value)))
            await Task.Delay(50);
        return TestEventSink.Of(run);
    }

    private async Task WaitForCommitAsync(string topic, string group, long total)
    {
        var deadline = DateTime.UtcNow + Patience;
        var partitions = PartitionCount(topic);
        while (DateTime.UtcNow < deadline)
        {
            if (kafka.Committed(topic, partitions, group).Where(o => o >= 0).Sum() >= total)
                return;
            await Task.Delay(100);
        }

        Assert.Fail($"offsets of {topic} were not committed up to {total} records");
    }

    private int PartitionCount(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
    }

    /// <summary>Every partition is owned by one silo, read to its end, has nothing undelivered, and stays so for a moment.</summary>
    private static async Task WaitUntilDeliveredAsync(InProcessTestCluster cluster, int partitions)
    {
        var deadline = DateTime.UtcNow + Patience;
        var settledSince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            var progress = cluster.Silos.SelectMany(Progress).ToList();
            if (progress.Count == partitions && progress.All(p => p.Unread == 0 && p.PendingEvents == 0 && p.DeliveredUpTo >= p.HighWatermark))
            {
                settledSince = settledSince == DateTime.MaxValue ? DateTime.UtcNow : settledSince;
                if (DateTime.UtcNow - settledSince > TimeSpan.FromMilliseconds(500))
                    return;
            }
            else
            {
                settledSince = DateTime.MaxValue;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the partitions were not all owned, read and delivered in time");
    }

    private static IReadOnlyCollection<PartitionStatus> Progress(InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)?.Partitions ?? [];

    private static int Owned(InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)?.Partitions.Count ?? 0;

}
