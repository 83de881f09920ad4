namespace Segmenter.Contracts;

/// <summary>
/// The value of an <c>events</c> record: the event, the device's timestamp for it, and an optional
/// per-device sequence number that makes retries recognisable (rule 6 of SEGMENTATION.md).
/// </summary>
/// <param name="Event">What happened.</param>
/// <param name="Timestamp">Event time as the device reported it (Avro timestamp-millis).</param>
/// <param name="Seq">Per-device sequence number, or null when the producer assigns none.</param>
[GenerateSerializer, Immutable]
public sealed record Envelope(
    [property: Id(0)] DeviceEvent Event,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] long? Seq = null)
{
    public override string ToString() =>
        Seq is { } seq ? $"{Event} @{Timestamp:O} seq={seq}" : $"{Event} @{Timestamp:O}";
}
