using System.Globalization;
using Azure.Messaging.EventHubs;
using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// Events as the Event Hubs client hands them to a receiver: bodies and key properties written the way a producer
/// would write them (Avro through the schema registry), with the system properties a partition assigns.
/// </summary>
internal sealed class EventHubEvents(ContractSerdes serdes, string hub = "events")
{
    public static readonly DateTimeOffset Enqueued = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    public async Task<byte[]> KeyAsync(string deviceId) =>
        await serdes.DeviceSerializer.SerializeAsync(new Device(deviceId), new SerializationContext(MessageComponentType.Key, hub));

    public async Task<byte[]> BodyAsync(Envelope envelope) =>
        await serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, hub));

    /// <summary>The layout the README asks for: Avro key in the property <c>key</c>, Avro envelope as body, device id as partition key.</summary>
    public async Task<EventData> ReceivedAsync(string deviceId, Envelope envelope, long sequenceNumber) =>
        Received(await BodyAsync(envelope), new Dictionary<string, object> { [EventDataLayout.KeyProperty] = await KeyAsync(deviceId) }, deviceId, sequenceNumber);

    public static EventData Received(byte[] body, IDictionary<string, object> properties, string? partitionKey, long sequenceNumber) =>
        EventHubsModelFactory.EventData(
            new BinaryData(body),
            properties,
            new Dictionary<string, object>(),
            partitionKey,
            sequenceNumber,
            OffsetOf(sequenceNumber),
            Enqueued.AddSeconds(sequenceNumber));

    /// <summary>Event Hubs offsets are positions in the partition's log; any increasing numbers do here.</summary>
    public static string OffsetOf(long sequenceNumber) => (sequenceNumber * 1_000).ToString(CultureInfo.InvariantCulture);
}
