using Orleans.Runtime;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Contracts;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// One input event as the pulling agent delivers it: the decoded <see cref="DeviceInput"/> on the stream
/// (<c>events</c>, device id). Its token carries the Event Hubs offset, so the receiver can checkpoint from delivery
/// progress. <see cref="Input"/> is null only for the undecodable events that no one subscribes to.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class DeviceInputBatchContainer : IBatchContainer
{
    public DeviceInputBatchContainer(StreamId streamId, DeviceInput? input, EventHubSequenceTokenV2 token)
    {
        StreamId = streamId;
        Input = input;
        Token = token;
    }

    [Id(0)]
    public StreamId StreamId { get; }

    [Id(1)]
    public DeviceInput? Input { get; }

    [Id(2)]
    public EventHubSequenceTokenV2 Token { get; }

    public StreamSequenceToken SequenceToken => Token;

    /// <summary>
    /// The event's time as the engine takes it (<c>IncomingEvent.EventTime</c>): the envelope's timestamp, else the
    /// enqueued time; null when neither is known (an undecodable event). The engine's last fallback, the arrival time,
    /// is processing time, not a time of the partition's events, so it never counts here.
    /// </summary>
    public DateTimeOffset? EventTime =>
        Input is not { } input ? null
        : input.Envelope.Timestamp != DateTimeOffset.UnixEpoch ? input.Envelope.Timestamp
        : input.RecordTimestamp is { } recorded && recorded != DateTimeOffset.UnixEpoch ? recorded
        : null;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Input is T item ? [Tuple.Create(item, (StreamSequenceToken)Token)] : [];

    // Nothing in the pipeline uses the request context; the input comes from devices, not from grain calls.
    public bool ImportRequestContext() => false;

    public override string ToString() => $"[{StreamId}] {Input?.ToString() ?? "undecodable"} @{Token}";
}
