using Azure.Messaging.EventHubs;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization.Mapping;
using Segmenter.Streaming.EventHubs.Codec;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Writes an output record as an Event Hubs event with the layout of the Kafka topics: body the Avro value
/// (<c>events.Envelope</c> on <c>session-events</c>, <c>sessions.SessionSummary</c> on <c>sessions</c>), property
/// <c>key</c> the Avro <c>sessions.SessionKey</c>, and on <c>session-events</c> the input position in the properties
/// <c>source.partition</c> and <c>source.offset</c>. Subjects follow the hub names (<c>&lt;hub&gt;-key</c>, <c>&lt;hub&gt;-value</c>).
/// </summary>
public sealed class EventHubOutputEncoder(FramedAvroWriter avro, string sessionEventsHub, string sessionsHub)
{
    private readonly SessionKeyMapper _key = new();
    private readonly EnvelopeMapper _envelope = new();
    private readonly SessionSummaryMapper _summary = new();

    public EventData Encode(StreamId streamId, object? item)
    {
        var streamNamespace = streamId.GetNamespace();
        return (streamNamespace, item) switch
        {
            (StreamNamespaces.SessionEvents, SessionEvent sessionEvent) => Encode(sessionEvent),
            (StreamNamespaces.Sessions, SessionSummary summary) => Encode(summary),
            _ => throw new ArgumentException(
                $"The Event Hubs transport writes {nameof(SessionEvent)}s to '{StreamNamespaces.SessionEvents}' and {nameof(SessionSummary)}s to '{StreamNamespaces.Sessions}', not {item?.GetType().Name ?? "null"} to '{streamNamespace}'.",
                nameof(item)),
        };
    }

    private EventData Encode(SessionEvent sessionEvent)
    {
        var data = new EventData(avro.Write(sessionEvent.Envelope, _envelope, $"{sessionEventsHub}-value"));
        data.Properties[EventDataLayout.KeyProperty] = avro.Write(sessionEvent.Key, _key, $"{sessionEventsHub}-key");
        data.Properties[EventDataLayout.SourcePartitionProperty] = sessionEvent.Source.Partition;
        data.Properties[EventDataLayout.SourceOffsetProperty] = sessionEvent.Source.Offset;
        return data;
    }

    private EventData Encode(SessionSummary summary)
    {
        var data = new EventData(avro.Write(summary, _summary, $"{sessionsHub}-value"));
        data.Properties[EventDataLayout.KeyProperty] = avro.Write(summary.Key, _key, $"{sessionsHub}-key");
        return data;
    }
}
