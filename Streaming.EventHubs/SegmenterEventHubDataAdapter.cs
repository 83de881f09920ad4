using System.Globalization;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Segmenter's records on the Orleans Event Hubs provider. Input: an event laid out as <see cref="EventDataLayout"/>
/// says becomes a <see cref="DeviceInput"/> on the stream (<c>events</c>, device id), with the Event Hubs partition
/// and sequence number as its <see cref="SourcePosition"/>; the grain cannot tell it from a Kafka record. Output:
/// <see cref="SessionEvent"/>s and <see cref="SessionSummary"/>s become events with the Kafka topics' Avro layout.
/// </summary>
/// <remarks>
/// Each event is decoded once, when Orleans' cache takes it in: <c>EventHubQueueCache.Add</c> calls
/// <see cref="GetStreamPosition"/> (the only call that knows the partition) and then <see cref="FromQueueMessage"/>
/// for the same event. The first decodes and picks the stream; the second stores the decoded input, serialized by
/// Orleans, in the cache segment after the offset the checkpointer needs. So the stream the cache files an event
/// under and what it later delivers always agree, and a bad event is logged and counted exactly once.
/// <para>
/// An event that cannot be decoded must not block its partition. Event Hubs has no dead-letter hub here, so it is
/// logged (partition, sequence number, offset, reason), counted in <see cref="EventHubStreamMetrics"/>, and filed
/// under the stream (<see cref="EventDataLayout.UndecodableNamespace"/>, partition) that nothing subscribes to: the
/// pulling agent passes over it and the checkpoints move past it like past any other event.
/// </para>
/// <para>
/// An unreachable schema registry is not a bad event. The receiver asks the registry before the events reach this
/// adapter (<see cref="PrepareReadAsync"/>, <see cref="SchemaPrefetchingReceiver"/>) and holds them while it cannot be
/// reached, so the decode here finds what it needs in memory. Should it not (an adapter driven without that receiver),
/// the decode's <see cref="SchemaRegistryUnavailableException"/> propagates after a bounded wait: the adapter thread is
/// never held longer, and the event is never filed as undecodable for it.
/// </para>
/// </remarks>
public sealed partial class SegmenterEventHubDataAdapter(
    Serializer serializer,
    EventHubInputDecoder decoder,
    EventHubOutputEncoder encoder,
    EventHubStreamMetrics metrics,
    ILogger<SegmenterEventHubDataAdapter> logger) : IEventHubDataAdapter
{
    private readonly ILogger _logger = logger;

    // The decode of GetStreamPosition, picked up by FromQueueMessage for the same EventData instance. Weak keys: an entry
    // never outlives its event, even if a caller stopped between the two calls.
    private readonly ConditionalWeakTable<EventData, Ingested> _ingested = [];

    public StreamPosition GetStreamPosition(string partition, EventData queueMessage)
    {
        var ingested = Ingest(partition, queueMessage);
        _ingested.AddOrUpdate(queueMessage, ingested);
        return new StreamPosition(ingested.StreamId, new EventHubSequenceTokenV2(queueMessage.OffsetString ?? "", queueMessage.SequenceNumber, 0));
    }

    public CachedMessage FromQueueMessage(StreamPosition position, EventData queueMessage, DateTime dequeueTime, Func<int, ArraySegment<byte>> getSegment)
    {
        if (!_ingested.TryGetValue(queueMessage, out var ingested))
            throw new InvalidOperationException($"{nameof(GetStreamPosition)} must see an event before {nameof(FromQueueMessage)} (as EventHubQueueCache.Add calls them).");
        _ingested.Remove(queueMessage);

        var offset = queueMessage.OffsetString ?? "";
        var segment = getSegment(SegmentBuilder.CalculateAppendSize(offset) + SegmentBuilder.CalculateAppendSize(ingested.Input));
        var written = 0;
        SegmentBuilder.Append(segment, ref written, offset);
        SegmentBuilder.Append(segment, ref written, ingested.Input);
        return new CachedMessage
        {
            StreamId = position.StreamId,
            SequenceNumber = queueMessage.SequenceNumber,
            EventIndex = position.SequenceToken.EventIndex,
            EnqueueTimeUtc = queueMessage.EnqueuedTime.UtcDateTime,
            DequeueTimeUtc = dequeueTime,
            Segment = segment,
        };
    }

    public IBatchContainer GetBatchContainer(ref CachedMessage cachedMessage)
    {
        var read = 0;
        var offset = SegmentBuilder.ReadNextString(cachedMessage.Segment, ref read) ?? "";
        var bytes = SegmentBuilder.ReadNextBytes(cachedMessage.Segment, ref read);
        var input = bytes.Count == 0 ? null : serializer.Deserialize<DeviceInput>(bytes);

        // The delivered token carries the offset: the receiver checkpoints from the delivery progress of these tokens.
        return new DeviceInputBatchContainer(cachedMessage.StreamId, input,
            new EventHubSequenceTokenV2(offset, cachedMessage.SequenceNumber, cachedMessage.EventIndex));
    }

    // The cache compares tokens by sequence number only, and calls this in its searches: no offset string is read here.
    public StreamSequenceToken GetSequenceToken(ref CachedMessage cachedMessage) =>
        new EventHubSequenceTokenV2("", cachedMessage.SequenceNumber, cachedMessage.EventIndex);

    /// <summary>The offset the checkpointer stores for a purged event (the first entry of the segment).</summary>
    public string GetOffset(CachedMessage cachedMessage)
    {
        var read = 0;
        return SegmentBuilder.ReadNextString(cachedMessage.Segment, ref read)
            ?? throw new InvalidOperationException("A cached Event Hubs event has no offset.");
    }

    /// <summary>Outputs are keyed by device: all records of a device, and so of each of its sessions, go to one partition, in order.</summary>
    public string GetPartitionKey(StreamId streamId) => streamId.GetKeyAsString();

    public StreamId GetStreamIdentity(EventData queueMessage)
    {
        var result = decoder.Decode(queueMessage);
        return result.DeviceId is { } device && result.IsDecoded
            ? StreamId.Create(StreamNamespaces.Events, device)
            : StreamId.Create(EventDataLayout.UndecodableNamespace, "unknown");
    }

    /// <summary>Asks the schema registry, without blocking, what decoding <paramref name="queueMessage"/> needs (see <see cref="EventHubInputDecoder.PrepareAsync"/>).</summary>
    internal ValueTask<SchemaRegistryUnavailableException?> PrepareReadAsync(EventData queueMessage) => decoder.PrepareAsync(queueMessage);

    /// <summary>Asks the schema registry, without blocking, what writing to <paramref name="streamId"/> needs (see <see cref="EventHubOutputEncoder.PrepareAsync"/>).</summary>
    internal ValueTask PrepareWriteAsync(StreamId streamId) => encoder.PrepareAsync(streamId);

    /// <summary>How often a receiver holding events tries the registry again.</summary>
    internal TimeSpan RegistryRetryPeriod => decoder.RegistryRetryPeriod;

    /// <summary>
    /// One output record as one event, as on Kafka. A batch of several records is sent by
    /// <see cref="SegmenterEventHubAdapterFactory"/> as several events in one send. The request context is not carried:
    /// nothing downstream reads it.
    /// </summary>
    public EventData ToQueueMessage<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
            throw new ArgumentException("Event Hubs streams take no sequence token from producers.", nameof(token));
        using var items = events.GetEnumerator();
        if (!items.MoveNext())
            throw new ArgumentException("There is no record to write.", nameof(events));
        var item = items.Current;
        if (items.MoveNext())
            throw new ArgumentException("One Event Hubs event carries one record, as one Kafka record does; write a batch as one event per record.", nameof(events));
        return encoder.Encode(streamId, item);
    }

    private Ingested Ingest(string partition, EventData data)
    {
        metrics.Read(partition);
        var result = decoder.Decode(data);
        if (result is { DeviceId: { } device, Envelope: { } envelope })
        {
            DateTimeOffset? enqueued = data.EnqueuedTime == default ? null : data.EnqueuedTime;
            var input = new DeviceInput(envelope, new SourcePosition(PartitionIndex(partition), data.SequenceNumber), enqueued);
            return new Ingested(StreamId.Create(StreamNamespaces.Events, device), serializer.SerializeToArray(input));
        }

        var kind = result.Kind ?? nameof(AvroDecodeError.Corrupt);
        metrics.Undecodable(partition, kind);
        LogUndecodable(partition, data.SequenceNumber, data.OffsetString, kind, result.Reason ?? "");
        return new Ingested(StreamId.Create(EventDataLayout.UndecodableNamespace, partition), []);
    }

    /// <summary>
    /// Event Hubs names its partitions "0" to "n-1", which become the partition numbers of <see cref="SourcePosition"/>.
    /// Any other name (a test receiver) still gets a stable number, from a hash.
    /// </summary>
    internal static int PartitionIndex(string partition) =>
        int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(partition)) & int.MaxValue);

    [LoggerMessage(LogLevel.Warning, "Skipped an undecodable event in partition {Partition} at sequence number {SequenceNumber} (offset {Offset}): {Kind}: {Reason}. Event Hubs has no dead-letter hub here; the event stays only in the hub's retention.", EventId = 2000)]
    private partial void LogUndecodable(string partition, long sequenceNumber, string? offset, string kind, string reason);

    /// <summary>Where an event goes and what it carries: the serialized <see cref="DeviceInput"/>, empty when undecodable.</summary>
    private sealed record Ingested(StreamId StreamId, byte[] Input);
}
