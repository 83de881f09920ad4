using Avro.Generic;

namespace Segmenter.Serialization.Mapping;

/// <summary>Typed reads of <see cref="GenericRecord"/> fields that fail with a decode error naming the field.</summary>
internal static class GenericRecordReading
{
    public static void ExpectName(this GenericRecord record, string fullName)
    {
        if (!string.Equals(record.Schema.Fullname, fullName, StringComparison.Ordinal))
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Expected a record {fullName} but the writer schema is {record.Schema.Fullname}.");
    }

    public static T Required<T>(this GenericRecord record, string field)
    {
        if (!record.TryGetValue(field, out var value) || value is null)
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Record {record.Schema.Fullname} has no value for required field '{field}'.");
        return value is T typed
            ? typed
            : throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Field '{field}' of {record.Schema.Fullname} holds {value.GetType().Name}, expected {typeof(T).Name}.");
    }

    /// <summary>A field that older writers may lack (schema evolution): absent or null reads as null.</summary>
    public static T? Optional<T>(this GenericRecord record, string field) where T : struct =>
        record.TryGetValue(field, out var value) && value is T typed ? typed : null;

    /// <summary>
    /// A timestamp-millis field, checked against <see cref="Segmenter.Contracts.EventTimeRange"/>: TimestampOutOfRange
    /// otherwise. Records read from bytes (<see cref="Generic.AvroPayloadReader"/>) hold the long that was written;
    /// records built in memory hold the UTC <see cref="DateTime"/> Apache.Avro writes from.
    /// </summary>
    public static DateTimeOffset Timestamp(this GenericRecord record, string field)
    {
        if (!record.TryGetValue(field, out var value) || value is null)
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Record {record.Schema.Fullname} has no value for required field '{field}'.");
        return value switch
        {
            long millis => AvroTimestamps.FromMillis(millis, $"Field {record.Schema.Fullname}.{field}"),
            DateTime time => AvroTimestamps.Checked(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)), $"Field {record.Schema.Fullname}.{field}"),
            _ => throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Field '{field}' of {record.Schema.Fullname} holds {value.GetType().Name}, expected a timestamp-millis long."),
        };
    }

    /// <summary>Apache.Avro writes timestamp-millis from a UTC <see cref="DateTime"/>.</summary>
    public static DateTime ToAvroTimestamp(this DateTimeOffset value) => value.UtcDateTime;
}
