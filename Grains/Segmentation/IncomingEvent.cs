using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>One input record as the engine sees it.</summary>
/// <param name="Envelope">The decoded record value.</param>
/// <param name="Position">Where the record came from; used for redelivery dedupe and session ids.</param>
/// <param name="ArrivalTime">Processing time at which the record reached the device's grain.</param>
/// <param name="RecordTimestamp">The transport's record timestamp, if it has one.</param>
public readonly record struct IncomingEvent(
    Envelope Envelope,
    SourcePosition Position,
    DateTimeOffset ArrivalTime,
    DateTimeOffset? RecordTimestamp = null)
{
    /// <summary>
    /// Event time: the envelope's timestamp; if absent (the epoch, which no device reports), the record
    /// timestamp; if that is absent too, the arrival time (SEGMENTATION.md, "Input").
    /// </summary>
    public DateTimeOffset EventTime =>
        Envelope.Timestamp != DateTimeOffset.UnixEpoch ? Envelope.Timestamp
        : RecordTimestamp is { } recorded && recorded != DateTimeOffset.UnixEpoch ? recorded
        : ArrivalTime;
}
