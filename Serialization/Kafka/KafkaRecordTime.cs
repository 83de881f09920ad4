using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Kafka;

/// <summary>
/// The Kafka timestamp of an <c>events</c> record as Segmenter reads it: it stands in for the event time when the
/// envelope has none, so it is checked like the envelope's (TimestampOutOfRange outside <see cref="EventTimeRange"/>)
/// before <see cref="Timestamp.UtcDateTime"/>, which throws for a producer that wrote microseconds. The silo's decoder
/// and the reader both use it, so they refuse the same records.
/// </summary>
public static class KafkaRecordTime
{
    /// <summary>The time, or null when the record has none; <see cref="AvroDecodeException"/> when it is out of range.</summary>
    public static DateTimeOffset? Of(Timestamp timestamp) =>
        timestamp.Type == TimestampType.NotAvailable
            ? null
            : AvroTimestamps.FromMillis(timestamp.UnixTimestampMs, "The record's Kafka timestamp");
}
