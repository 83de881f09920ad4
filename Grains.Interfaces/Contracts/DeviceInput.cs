namespace Segmenter.Contracts;

/// <summary>
/// One decoded input record as it travels from the transport (Kafka or Event Hubs) to the device's grain: the
/// envelope, where it came from (for redelivery dedupe and session ids) and the transport's record timestamp.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeviceInput(
    [property: Id(0)] Envelope Envelope,
    [property: Id(1)] SourcePosition Source,
    [property: Id(2)] DateTimeOffset? RecordTimestamp);
