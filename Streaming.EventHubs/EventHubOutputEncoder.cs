using Azure.Messaging.EventHubs;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Writes an output record as an Event Hubs event with the layout of the Kafka topics: body the Avro value
/// (<c>events.Envelope</c> on <c>session-events</c>, <c>sessions.SessionSummary</c> on <c>sessions</c>), property
/// <c>key</c> the Avro <c>sessions.SessionKey</c>, and on <c>session-events</c> the input position in the properties
/// <c>source.partition</c> and <c>source.offset</c>. Subjects follow the hub names (<c>&lt;hub&gt;-key</c>, <c>&lt;hub&gt;-value</c>).
/// The bytes are those of the Kafka serdes: the same codec core (<see cref="ContractCodecs"/>), direct binary layouts.
/// </summary>
public sealed class EventHubOutputEncoder
{
    private readonly ContractCodecs _codecs;
    private readonly string _sessionEventsKey;
    private readonly string _sessionEventsValue;
    private readonly string _sessionsKey;
    private readonly string _sessionsValue;

    public EventHubOutputEncoder(ContractCodecs codecs, string sessionEventsHub, string sessionsHub)
    {
        _codecs = codecs;
        _sessionEventsKey = $"{sessionEventsHub}-key";
        _sessionEventsValue = $"{sessionEventsHub}-value";
        _sessionsKey = $"{sessionsHub}-key";
        _sessionsValue = $"{sessionsHub}-value";
    }

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

    /// <summary>
    /// Looks up, without blocking, the schema ids <see cref="Encode"/> needs for a stream's records (registering the
    /// schemas the first time), so that the synchronous write finds them: <see cref="SchemaRegistryUnavailableException"/>
    /// on an outage, which fails the publish (the grain's delivery is retried).
    /// </summary>
    public async ValueTask PrepareAsync(StreamId streamId)
    {
        switch (streamId.GetNamespace())
        {
            case StreamNamespaces.SessionEvents:
                await _codecs.Registry.SchemaIdAsync(_sessionEventsKey, ContractSchemas.SessionKey).ConfigureAwait(false);
                await _codecs.Registry.SchemaIdAsync(_sessionEventsValue, ContractSchemas.Envelope).ConfigureAwait(false);
                break;
            case StreamNamespaces.Sessions:
                await _codecs.Registry.SchemaIdAsync(_sessionsKey, ContractSchemas.SessionKey).ConfigureAwait(false);
                await _codecs.Registry.SchemaIdAsync(_sessionsValue, ContractSchemas.SessionSummary).ConfigureAwait(false);
                break;
        }
    }

    private EventData Encode(SessionEvent sessionEvent)
    {
        var data = new EventData(_codecs.Envelope.Write(sessionEvent.Envelope, _sessionEventsValue));
        data.Properties[EventDataLayout.KeyProperty] = _codecs.SessionKey.Write(sessionEvent.Key, _sessionEventsKey);
        data.Properties[EventDataLayout.SourcePartitionProperty] = sessionEvent.Source.Partition;
        data.Properties[EventDataLayout.SourceOffsetProperty] = sessionEvent.Source.Offset;
        return data;
    }

    private EventData Encode(SessionSummary summary)
    {
        var data = new EventData(_codecs.SessionSummary.Write(summary, _sessionsValue));
        data.Properties[EventDataLayout.KeyProperty] = _codecs.SessionKey.Write(summary.Key, _sessionsKey);
        return data;
    }
}
