using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// A record of a read that the decoder is done with: decoded into an event for a stream, or poison (its dead letter
/// was handed to the writer). Either way its offset counts as handled; only a decoded one goes into a container.
/// </summary>
internal readonly record struct DecodedRecord(ConsumeResult<byte[], byte[]> Record, KafkaDecodeResult Result)
{
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public long Offset => Record.Offset.Value;

    public bool IsPoison => Result.IsPoison;

    /// <summary>
    /// The time this record moves the partition's stream time to once delivered: the event's own time, else the record's
    /// Kafka timestamp; null for poison, which is never delivered to anyone whose clock it could move.
    /// </summary>
    public DateTimeOffset? StreamTime => IsPoison ? null : Result.EventTime ?? RecordTime(Record);

    /// <summary>The record's Kafka timestamp, or null when it has none or one no date can hold (a careless producer's).</summary>
    private static DateTimeOffset? RecordTime(ConsumeResult<byte[], byte[]> record)
    {
        var timestamp = record.Message.Timestamp;
        if (timestamp.Type == TimestampType.NotAvailable)
            return null;
        var ms = timestamp.UnixTimestampMs;
        return ms >= MinUnixMs && ms <= MaxUnixMs ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }
}
