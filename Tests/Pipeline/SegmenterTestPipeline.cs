using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Hosting;
using Segmenter.Grains.Segmentation;
using Segmenter.Serialization;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// The whole pipeline in one test process: Avro events produced to the embedded Kafka, in-process Orleans silos with
/// the Segmenter grain, Kafka provider and Redis state (a real redis-server), and a reader decoding both output topics.
/// Restartable: state and offsets survive silo crashes and cluster restarts, as in production.
/// </summary>
internal sealed class SegmenterTestPipeline : IAsyncDisposable
{
    private readonly EmbeddedKafkaFixture _kafka;
    private readonly SchemaRegistryFixture _registry;
    private readonly RedisFixture _redis;
    private readonly Action<SegmentationOptions>? _rules;
    private readonly Action<SegmenterOptions>? _grain;
    private readonly ContractSerdes _serdes;
    private Action<Segmenter.Streaming.Kafka.KafkaStreamOptions>? _kafkaOptions;
    private Action<ISiloBuilder>? _silo;

    /// <summary>
    /// Silos whose offset commits go to a group nobody reads: killing one of them leaves everything it delivered
    /// uncommitted, as a crash just before its next commit would, so the new owner reads all of it again.
    /// </summary>
    public ISet<string> SilosThatNeverCommit { get; } = new HashSet<string>(StringComparer.Ordinal);
    private readonly IProducer<byte[], byte[]> _producer;
    private OutputTopicsReader? _reader;
    private int _witnessCalls;

    private SegmenterTestPipeline(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, string run,
        int partitions, Action<SegmentationOptions>? rules, Action<SegmenterOptions>? grain)
    {
        _kafka = kafka;
        _registry = registry;
        _redis = redis;
        _rules = rules;
        _grain = grain;
        Run = run;
        Partitions = partitions;
        _serdes = new ContractSerdes(registry.NewClient());
        _producer = kafka.NewProducer();
    }

    public string Run { get; }
    public int Partitions { get; }
    public string EventsTopic => $"{Run}-events";
    public string SessionEventsTopic => $"{Run}-session-events";
    public string SessionsTopic => $"{Run}-sessions";
    public string DeadLetterTopic => $"{Run}-dlq";
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>A sorted set of the deadline index of an input partition (<c>stream</c>, <c>arrival</c> or <c>purge</c>).</summary>
    public string DeadlineKey(int partition, string kind) => $"{Run}/deadlines/{EventsTopic}/{partition}/{kind}";

    /// <summary>Decoded <c>session-events</c> records, in the order read.</summary>
    public ConcurrentQueue<OutputEvent> Events => _reader!.Events;

    /// <summary>Decoded <c>sessions</c> records, in the order read.</summary>
    public ConcurrentQueue<SessionSummary> Summaries => _reader!.Summaries;

    /// <summary>The reader of both output topics (with the times records were read).</summary>
    public OutputTopicsReader Outputs => _reader!;

    public IDeviceSessionGrain Device(string deviceId) => Cluster.Client.GetGrain<IDeviceSessionGrain>(deviceId);

    public static async Task<SegmenterTestPipeline> StartAsync(
        EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, int silos = 1, int partitions = 4,
        Action<SegmentationOptions>? rules = null, Action<SegmenterOptions>? grain = null, Action<Segmenter.Streaming.Kafka.KafkaStreamOptions>? kafkaOptions = null,
        string? neverCommit = null, Action<ISiloBuilder>? silo = null)
    {
        var run = $"p{Guid.NewGuid():N}"[..13];
        var pipeline = new SegmenterTestPipeline(kafka, registry, redis, run, partitions, rules, grain) { _kafkaOptions = kafkaOptions };
        if (neverCommit is not null)
            pipeline.SilosThatNeverCommit.Add(neverCommit);
        pipeline._silo = silo;
        kafka.Cluster.CreateTopic(pipeline.EventsTopic, partitions);
        kafka.Cluster.CreateTopic(pipeline.SessionEventsTopic, partitions);
        kafka.Cluster.CreateTopic(pipeline.SessionsTopic, partitions);
        kafka.Cluster.CreateTopic(pipeline.DeadLetterTopic, 1);
        pipeline._reader = OutputTopicsReader.Start(kafka, registry, pipeline.SessionEventsTopic, pipeline.SessionsTopic, partitions);
        await pipeline.StartClusterAsync(silos);
        return pipeline;
    }

    /// <summary>Starts silos that share this run's service id, consumer group, topics and Redis state.</summary>
    public async Task StartClusterAsync(int silos)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ServiceId = Run;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            if (Environment.GetEnvironmentVariable("SEGMENTER_TEST_LOGS") == "1")
            {
                host.Logging.AddSimpleConsole(console => console.SingleLine = true);
                host.Logging.AddFilter("Segmenter", LogLevel.Debug);
            }
        });
        builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            silo.AddSegmenter(
                rules => _rules?.Invoke(rules),
                grain =>
                {
                    grain.EventsTopic = EventsTopic;
                    grain.SessionEventsTopic = SessionEventsTopic;
                    grain.SessionsTopic = SessionsTopic;
                    grain.DeadLetterTopic = DeadLetterTopic;
                    grain.ReminderPeriod = TimeSpan.FromSeconds(3);
                    _grain?.Invoke(grain);
                });
            silo.AddSegmenterKafka(_registry.Url, kafka =>
            {
                kafka.BootstrapServers = _kafka.BootstrapServers;
                kafka.ConsumerGroupId = Run;
                kafka.CommitInterval = TimeSpan.FromMilliseconds(200);
                _kafkaOptions?.Invoke(kafka);
                if (SilosThatNeverCommit.Contains(siloOptions.SiloName))
                    kafka.ConsumerGroupId = $"{Run}-never-read";
            });
            silo.AddSegmenterRedis(_redis.ConnectionString);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            _silo?.Invoke(silo);
        });

        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task StopClusterAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>Produces one event keyed by its device, Avro through the registry; returns where Kafka put it.</summary>
    public async Task<SourcePosition> ProduceAsync(string deviceId, Envelope envelope) =>
        await await StartProduceAsync(deviceId, envelope);

    /// <summary>
    /// Encodes the record and hands it to the producer before it returns, so that records started one after the other
    /// are sent in that order; the task it returns completes when the broker has acknowledged the record.
    /// </summary>
    public async Task<Task<SourcePosition>> StartProduceAsync(string deviceId, Envelope envelope)
    {
        var key = await _serdes.DeviceSerializer.SerializeAsync(new Device(deviceId), new SerializationContext(MessageComponentType.Key, EventsTopic));
        var value = await _serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, EventsTopic));
        var delivery = _producer.ProduceAsync(EventsTopic, new Message<byte[], byte[]> { Key = key, Value = value, Timestamp = new Timestamp(envelope.Timestamp) });
        return PositionOf(delivery);

        static async Task<SourcePosition> PositionOf(Task<DeliveryResult<byte[], byte[]>> delivery)
        {
            var delivered = await delivery;
            return new SourcePosition(delivered.Partition.Value, delivered.Offset.Value);
        }
    }

    /// <summary>Produces raw bytes as a record value (poison).</summary>
    public async Task<SourcePosition> ProduceRawAsync(byte[]? key, byte[] value)
    {
        var delivered = await _producer.ProduceAsync(EventsTopic, new Message<byte[], byte[]> { Key = key!, Value = value });
        return new SourcePosition(delivered.Partition.Value, delivered.Offset.Value);
    }

    /// <summary>The partition Kafka picks for a device's records.</summary>
    public async Task<int> PartitionOfAsync(string deviceId) =>
        Murmur2Partitioner.Partition(
            await _serdes.DeviceSerializer.SerializeAsync(new Device(deviceId), new SerializationContext(MessageComponentType.Key, EventsTopic)), Partitions);

    /// <summary>
    /// Waits until the silo has committed every record the events topic holds: every record was delivered or
    /// dead-lettered (a dead letter is acknowledged before its offset is committed), so the dead-letter topic is
    /// complete and no redelivery can follow.
    /// </summary>
    public async Task WaitUntilInputCommittedAsync(TimeSpan timeout)
    {
        var ends = _kafka.Ends(EventsTopic, Partitions);
        await WaitUntilAsync(() => _kafka.Committed(EventsTopic, Partitions, Run).SequenceEqual(ends), timeout,
            $"the commit of every record of {EventsTopic} (ends {string.Join(", ", ends)})");
    }

    /// <summary>
    /// The positive witness that nothing more comes of what was produced so far: every input record was delivered or
    /// dead-lettered and committed (a delivery returns only once its outputs are acknowledged), and the reader has read
    /// both output topics to their ends. Call it before asserting that an output did not come, or not twice. Timeouts
    /// are the one output no input record triggers: <see cref="WitnessSchedulerPassAsync"/> waits for those.
    /// </summary>
    public async Task WaitUntilSettledAsync(TimeSpan timeout)
    {
        await WaitUntilInputCommittedAsync(timeout);
        await Outputs.WaitUntilReadToEndAsync(timeout);
    }

    /// <summary>
    /// The positive witness that the deadline scheduler of each partition (all unless named) has acted on every deadline
    /// due so far: a fresh device per partition wakes up now and falls silent. Its session times out only at a tick
    /// whose clock is past every earlier deadline of its partition, so any session such a tick would close (or close
    /// again) is woken by then too. Waits for each witness's TimedOut summary, for the schedulers' wake-ups in flight
    /// to end, then for the pipeline to settle (<see cref="WaitUntilSettledAsync"/>). Returns the witness devices: their
    /// records are in <see cref="Events"/> and <see cref="Summaries"/>, so a test filters them out.
    /// </summary>
    public async Task<IReadOnlySet<string>> WitnessSchedulerPassAsync(TimeSpan timeout, params int[] partitions)
    {
        var call = Interlocked.Increment(ref _witnessCalls);
        var witnesses = new Dictionary<int, string>();
        foreach (var partition in partitions.Length > 0 ? partitions : Enumerable.Range(0, Partitions))
        {
            var i = 0;
            string device;
            while (await PartitionOfAsync(device = $"witness-{call}-{partition}-{i++}") != partition)
            {
            }

            witnesses[partition] = device;
            await ProduceAsync(device, new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UtcNow));
        }

        await WaitUntilAsync(() => witnesses.Values.All(w => Summaries.Any(s => s.DeviceId == w && s.Reason == CloseReason.TimedOut)), timeout,
            $"the timeouts of the scheduler witnesses {string.Join(", ", witnesses.Values)}");
        var schedulers = witnesses.Keys.Select(p => Cluster.Client.GetGrain<Segmenter.Partitions.IPartitionSchedulerGrain>($"{EventsTopic}/{p}")).ToList();
        var deadline = DateTime.UtcNow + timeout;
        while ((await Task.WhenAll(schedulers.Select(s => s.GetStatus()))).Any(status => status.InFlight > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "the schedulers' wake-ups in flight did not end");
            await Task.Delay(50);
        }

        await WaitUntilSettledAsync(timeout);
        return witnesses.Values.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The whole dead-letter topic; call it after <see cref="WaitUntilInputCommittedAsync"/>.</summary>
    public List<ConsumeResult<byte[], byte[]>> DeadLetters(TimeSpan timeout) => _kafka.ReadToEnd(DeadLetterTopic, 1, timeout);

    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>True once <paramref name="done"/> holds, false if it does not within <paramref name="timeout"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(100);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_reader is not null)
            await _reader.DisposeAsync();
        _producer.Dispose();
        if (Cluster is not null)
            await Cluster.DisposeAsync();
    }
}

