namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// How Segmenter's records sit in Event Hubs events. The body is the record's value exactly as on the Kafka topic
/// (Avro with Confluent framing: magic byte, schema id, payload); the Kafka record key travels in the application
/// property <see cref="KeyProperty"/>; the Event Hubs partition key is the device id, so that one device's events
/// stay in one partition, in order.
/// </summary>
public static class EventDataLayout
{
    /// <summary>
    /// Binary application property holding the record key as on Kafka: Avro <c>events.Device</c> on input,
    /// Avro <c>sessions.SessionKey</c> on output. On input it may be left out: the partition key is then the device id.
    /// </summary>
    public const string KeyProperty = "key";

    /// <summary>On <c>session-events</c>: the Event Hubs partition of the input event (int), for downstream dedupe.</summary>
    public const string SourcePartitionProperty = "source.partition";

    /// <summary>On <c>session-events</c>: the sequence number of the input event in its partition (long).</summary>
    public const string SourceOffsetProperty = "source.offset";

    /// <summary>
    /// The stream namespace an undecodable input event is filed under (key: its partition). Nothing subscribes to it, so
    /// the pulling agent passes over it; it stays in the cache only so that checkpoints move past it.
    /// </summary>
    public const string UndecodableNamespace = "events-undecodable";
}
