namespace Segmenter.Serialization;

/// <summary>Why a record could not be decoded. Every kind is permanent: retrying the same bytes cannot help.</summary>
public enum AvroDecodeError
{
    /// <summary>No Confluent framing: shorter than 5 bytes or the first byte is not the magic byte 0.</summary>
    NotAvro,

    /// <summary>The schema id in the framing is not known to the schema registry.</summary>
    UnknownSchemaId,

    /// <summary>The event union holds a case this version does not know (e.g. a newer producer's event kind).</summary>
    UnknownUnionBranch,

    /// <summary>The writer schema is not the expected record (another record type, or a required field missing).</summary>
    SchemaMismatch,

    /// <summary>The payload does not decode with its writer schema (truncated, a union index outside the union, bad lengths).</summary>
    Corrupt,

    /// <summary>
    /// A timestamp outside <see cref="Segmenter.Contracts.EventTimeRange"/> (e.g. microseconds or nanoseconds written
    /// where timestamp-millis belongs): valid Avro, but no time Segmenter can represent.
    /// </summary>
    TimestampOutOfRange,

    /// <summary>
    /// Bytes left after the record's payload: the writer schema does not describe what was written (another
    /// serializer's framing, two records in one, a wrong schema id), so nothing read from it can be trusted.
    /// </summary>
    TrailingBytes,

    /// <summary>The record has no key (or no value) where one is required.</summary>
    Missing,
}
