using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// The events of one stream read from one partition in one poll, in offset order. Packing consecutive records of a
/// stream into one container is what makes Orleans fast here: the pulling agent's cost is per container, not
/// per event. Each event keeps its own offset and token.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class KafkaBatchContainer : IBatchContainer
{
    /// <summary>Packs <paramref name="events"/> of <paramref name="streamId"/>, read from <paramref name="partition"/> at <paramref name="offsets"/>.</summary>
    /// <param name="streamId">The stream every event belongs to.</param>
    /// <param name="partition">The Kafka partition they were read from.</param>
    /// <param name="offsets">One offset per event, ascending.</param>
    /// <param name="events">The decoded events, in offset order.</param>
    /// <param name="readThrough">The last offset of the read when this is its last container, else -1 (see <see cref="ReadThrough"/>).</param>
    /// <exception cref="ArgumentException">No event, or not one offset per event.</exception>
    public KafkaBatchContainer(StreamId streamId, int partition, long[] offsets, object[] events, long readThrough = -1)
    {
        if (offsets.Length == 0 || offsets.Length != events.Length)
            throw new ArgumentException("A batch container needs one offset per event and at least one event.", nameof(offsets));
        StreamId = streamId;
        Partition = partition;
        Offsets = offsets;
        Events = events;
        _readThrough = readThrough;
    }

    [NonSerialized]
    private readonly long _readThrough;

    [NonSerialized]
    private IReadOnlyList<Confluent.Kafka.ConsumeResult<byte[], byte[]>>? _records;

    [NonSerialized]
    private Delivery.DeliveryFailurePolicy? _failurePolicy;

    [NonSerialized]
    private System.Collections.Concurrent.ConcurrentDictionary<Delivery.DeliveryConsumer, Delivery.DeliveryFailures>? _failures;

    [NonSerialized]
    private SiloAddress? _reader;

    /// <summary>The stream every event of the container belongs to.</summary>
    [Id(0)]
    public StreamId StreamId { get; }

    /// <summary>The Kafka partition the events were read from.</summary>
    [Id(1)]
    public int Partition { get; }

    /// <summary>One offset per event, ascending.</summary>
    [Id(2)]
    public long[] Offsets { get; }

    /// <summary>The decoded events, in offset order, one per entry of <see cref="Offsets"/>.</summary>
    [Id(3)]
    public object[] Events { get; }

    /// <summary>The token of the first event: where a cursor finds this container.</summary>
    public StreamSequenceToken SequenceToken => new KafkaSequenceToken(Offsets[0]);

    /// <summary>The offset of the first event.</summary>
    public long FirstOffset => Offsets[0];

    /// <summary>The offset of the last event.</summary>
    public long LastOffset => Offsets[^1];

    /// <summary>
    /// The last offset of the read this container came from, when it is the read's last container: records up to it
    /// that produced no container (dead-lettered) count as read once the agent took this one. Local only (not
    /// serialized): it matters to the reading silo's cache, never to a consumer.
    /// </summary>
    public long ReadThrough => _readThrough;

    /// <summary>The records the events were decoded from (local only): what goes to the dead-letter topic if delivery fails for good.</summary>
    internal IReadOnlyList<Confluent.Kafka.ConsumeResult<byte[], byte[]>>? Records => _records;

    /// <summary>What the reading silo does when delivering this container keeps failing (local only).</summary>
    internal Delivery.DeliveryFailurePolicy? FailurePolicy => _failurePolicy;

    internal KafkaBatchContainer WithDelivery(IReadOnlyList<Confluent.Kafka.ConsumeResult<byte[], byte[]>> records, Delivery.DeliveryFailurePolicy policy)
    {
        _records = records;
        _failurePolicy = policy;
        return this;
    }

    /// <summary>Names the silo that read this container (local only), for <see cref="ImportRequestContext"/>.</summary>
    internal KafkaBatchContainer ReadOn(SiloAddress? reader)
    {
        _reader = reader;
        return this;
    }

    /// <summary>What delivering this container to <paramref name="consumer"/> went through; null while it never failed.</summary>
    internal Delivery.DeliveryFailures? FailuresOf(Delivery.DeliveryConsumer consumer) => _failures?.GetValueOrDefault(consumer);

    /// <summary>As above, started at <paramref name="now"/> on the first failure. Each consumer has its own: one may fail where another does not.</summary>
    internal Delivery.DeliveryFailures FailuresOf(Delivery.DeliveryConsumer consumer, DateTimeOffset now) =>
        LazyInitializer.EnsureInitialized(ref _failures).GetOrAdd(consumer, static (_, at) => new Delivery.DeliveryFailures(at), now);

    /// <summary>The event at <paramref name="index"/> alone, to find which record of a failing container fails.</summary>
    internal KafkaBatchContainer One(int index) => new KafkaBatchContainer(StreamId, Partition, [Offsets[index]], [Events[index]]).ReadOn(_reader);

    /// <summary>
    /// The events that are a <typeparamref name="T"/>, each with its <see cref="KafkaSequenceToken"/> (its offset): what
    /// the pulling agent hands a consumer subscribed for <typeparamref name="T"/>.
    /// </summary>
    /// <typeparam name="T">The event type the consumer subscribed for; events of other types are left out.</typeparam>
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        for (var i = 0; i < Events.Length; i++)
        {
            if (Events[i] is T typed)
                yield return Tuple.Create(typed, (StreamSequenceToken)new KafkaSequenceToken(Offsets[i]));
        }
    }

    /// <summary>
    /// Kafka records carry no Orleans request context. The delivery call carries one thing: the silo that read the
    /// container, as the placement hint, so a consumer with prefer-local placement is activated beside the reader, and
    /// one that finds itself elsewhere can migrate there (the hint is what Orleans' migration places by).
    /// </summary>
    public bool ImportRequestContext()
    {
        if (_reader is null)
            return false;
        RequestContext.Set(Orleans.Runtime.Placement.IPlacementDirector.PlacementHintKey, _reader);
        return true;
    }

    /// <summary>The stream, partition, offset range and event count, for logs: <c>[events/device-1 p3 10..12 (3)]</c>.</summary>
    public override string ToString() => $"[{StreamId} p{Partition} {FirstOffset}..{LastOffset} ({Events.Length})]";
}
