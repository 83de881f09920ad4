using System.Net;
using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Delivery;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Streaming.Kafka.Receiving;
using Segmenter.Tests.Infrastructure;
using static Segmenter.Tests.Kafka.ConsumedRecords;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// How a decoded read becomes batch containers, without a broker: one per stream in the order streams first appear,
/// each stream's events in offset order with their offsets as tokens, poison left out but counted as read through the
/// last container.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class RecordBatchPackerTests : IDisposable
{
    private readonly KafkaStreamMetrics _metrics = new($"packer-{Guid.NewGuid():N}");
    private readonly DeliveryFailurePolicy _policy;
    private readonly SiloAddress _reader = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    public RecordBatchPackerTests()
    {
        var logger = new RecordingLogger();
        _policy = new DeliveryFailurePolicy("events", ConsumedRecords.Partition, new KafkaStreamOptions(), new DeadLetterPublisher(new UnusedProducer(), "dlq", _metrics, logger), TimeProvider.System, logger);
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void Records_are_grouped_by_stream_in_first_appearance_order_and_each_keeps_its_offsets_and_tokens_in_order()
    {
        var containers = Pack(Batch([Decoded(10, "a"), Decoded(11, "b"), Decoded(12, "a"), Decoded(13, "c"), Decoded(14, "b")]));

        Assert.Equal(["a", "b", "c"], containers.Select(c => c.StreamId.GetKeyAsString()));
        Assert.Equal([[10L, 12], [11L, 14], [13L]], containers.Select(c => c.Offsets));
        Assert.Equal([[10L, 12], [11L, 14], [13L]], containers.Select(c => c.GetEvents<ScriptedEvent>().Select(e => e.Item1.Offset)));
        Assert.Equal([[10L, 12], [11L, 14], [13L]], containers.Select(c => c.GetEvents<ScriptedEvent>().Select(e => Assert.IsType<KafkaSequenceToken>(e.Item2).Offset)));
        Assert.Equal([new KafkaSequenceToken(10), new KafkaSequenceToken(11), new KafkaSequenceToken(13)], containers.Select(c => c.SequenceToken));
        Assert.All(containers, c => Assert.Equal((ConsumedRecords.Partition, ScriptedRecordDecoder.Namespace), (c.Partition, c.StreamId.GetNamespace())));
        Assert.Equal([-1L, -1, 14], containers.Select(c => c.ReadThrough));
    }

    [Fact]
    public void Poison_makes_no_event_and_the_last_container_reads_through_the_last_handled_offset_poison_included()
    {
        var containers = Pack(Batch([Decoded(10, "a"), Poison(11), Decoded(12, "b"), Poison(13)]));

        Assert.Equal([[10L], [12L]], containers.Select(c => c.Offsets));
        Assert.Equal([-1L, 13], containers.Select(c => c.ReadThrough));
    }

    [Fact]
    public void A_read_of_poison_only_makes_no_container()
    {
        Assert.Empty(Pack(Batch([Poison(10), Poison(11)])));
    }

    [Fact]
    public void An_empty_read_makes_no_container()
    {
        Assert.Empty(Pack(Batch([])));
    }

    [Fact]
    public void Records_kept_after_a_deferral_are_not_packed_and_the_read_ends_at_the_last_handled_one()
    {
        var batch = new DecodedBatch([Decoded(10, "a"), Poison(11)], [At(12, "a", "v12"), At(13, "b", "v13")], new KafkaDecodeDeferredException());

        var container = Assert.Single(Pack(batch));

        Assert.Equal([10L], container.Offsets);
        Assert.Equal(11, container.ReadThrough);
    }

    [Fact]
    public void Each_container_carries_its_records_the_partitions_failure_policy_and_the_reading_silo()
    {
        var handled = new[] { Decoded(10, "a"), Decoded(11, "b"), Decoded(12, "a") };

        var containers = Pack(Batch(handled));

        Assert.Equal([handled[0].Record, handled[2].Record], containers[0].Records!);
        Assert.Equal([handled[1].Record], containers[1].Records!);
        Assert.All(containers, c => Assert.Same(_policy, c.FailurePolicy));
        Assert.True(containers[0].ImportRequestContext());
        Assert.Equal(_reader, RequestContext.Get(Orleans.Runtime.Placement.IPlacementDirector.PlacementHintKey));
        RequestContext.Clear();
    }

    private List<KafkaBatchContainer> Pack(DecodedBatch batch) =>
        [.. new RecordBatchPacker(ConsumedRecords.Partition, _policy, _reader).Pack(batch).Select(Assert.IsType<KafkaBatchContainer>)];

    private static DecodedBatch Batch(DecodedRecord[] handled) => new(handled, [], null);

    private static DecodedRecord Decoded(long offset, string key) =>
        new(At(offset, key, $"v{offset}"), KafkaDecodeResult.Decoded(ScriptedRecordDecoder.Stream(key), new ScriptedEvent(offset, $"v{offset}")));

    private static DecodedRecord Poison(long offset) => new(At(offset, "p", "bad"), KafkaDecodeResult.Poison("NotAvro", "no magic byte"));

    /// <summary>Packing writes nothing: a dead letter is only written when delivery gives up, which these tests never reach.</summary>
    private sealed class UnusedProducer : IRecordProducer
    {
        public Task ProduceAllAsync(IReadOnlyList<(string Topic, Message<byte[], byte[]> Message)> messages) =>
            throw new InvalidOperationException("Packing wrote a record.");
    }
}
