using System.Collections.Concurrent;
using Azure.Messaging.EventHubs.Producer;
using Segmenter.Contracts;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// One producer per output hub, in the namespace of the input hub. The Orleans provider has one hub per provider and
/// would write the outputs back into the input hub, where every silo would read them again and downstream readers
/// would have to pick them out; here each output stream has its own hub, like its own topic on Kafka. The producers
/// are created on first use (creating one does not connect) and closed with the silo's service provider.
/// </summary>
public sealed class EventHubOutputProducers(string connectionString, string sessionEventsHub, string sessionsHub) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, EventHubProducerClient> _producers = new(StringComparer.Ordinal);

    /// <summary>The hub the records of a stream namespace go to.</summary>
    public string HubFor(string? streamNamespace) => streamNamespace switch
    {
        StreamNamespaces.SessionEvents => sessionEventsHub,
        StreamNamespaces.Sessions => sessionsHub,
        _ => throw new ArgumentException(
            $"The Event Hubs transport writes only the streams '{StreamNamespaces.SessionEvents}' and '{StreamNamespaces.Sessions}', not '{streamNamespace}'.", nameof(streamNamespace)),
    };

    public EventHubProducerClient ProducerFor(string hub) =>
        _producers.GetOrAdd(hub, static (name, connection) => new EventHubProducerClient(connection, name), connectionString);

    public async ValueTask DisposeAsync()
    {
        foreach (var producer in _producers.Values)
            await producer.DisposeAsync();
        _producers.Clear();
    }
}
