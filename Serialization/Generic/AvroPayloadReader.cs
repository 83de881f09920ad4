using System.Runtime.InteropServices;
using Avro;
using Avro.Generic;
using Avro.IO;

namespace Segmenter.Serialization.Generic;

/// <summary>
/// Reads one Avro payload (the bytes after the schema-registry framing) with the schema it was written with, into a
/// <see cref="GenericRecord"/> for the mappers. The general decoding path of every transport: the Kafka serdes for
/// writer schemas the direct codecs do not know, and the Event Hubs adapter. So both report the same
/// <see cref="AvroDecodeException"/> kinds as the direct codecs, for the same bytes: a union index outside its union
/// and any other failure to read is Corrupt, bytes after the record are TrailingBytes, and timestamp-millis comes out
/// as the long that was written, for the mapper to check (TimestampOutOfRange) before it becomes a time.
/// </summary>
public sealed class AvroPayloadReader
{
    private readonly StrictReader _reader;

    private AvroPayloadReader(RecordSchema writer) => _reader = new StrictReader(writer);

    public RecordSchema WriterSchema => (RecordSchema)_reader.WriterSchema;

    /// <summary>A reader for payloads written with <paramref name="writer"/>; SchemaMismatch when it is not a record.</summary>
    /// <param name="writer">The writer schema the record's schema id names.</param>
    /// <param name="schemaId">That id, for messages.</param>
    /// <param name="what">What is read, for messages (e.g. "value").</param>
    public static AvroPayloadReader For(Schema writer, int schemaId, string what) =>
        writer is RecordSchema record
            ? new AvroPayloadReader(record)
            : throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"The {what} was written with schema id {schemaId}, a {writer.Tag} schema, not a record.");

    /// <param name="payload">The Avro binary encoding of one record, without framing.</param>
    /// <param name="what">What is read, for messages (e.g. "value").</param>
    public GenericRecord Read(ReadOnlyMemory<byte> payload, string what)
    {
        using var stream = AsStream(payload);
        GenericRecord record;
        try
        {
            record = _reader.Read<GenericRecord>(null!, new BinaryDecoder(stream));
        }
        catch (AvroDecodeException e)
        {
            // StrictReader's own finding, which knows the union but not what is read.
            throw new AvroDecodeException(e.Error, $"The {what} is malformed Avro for {WriterSchema.Fullname}: {e.Message}", e);
        }
        catch (Exception e)
        {
            // Apache.Avro reports bad bytes as several exception types (AvroException, EndOfStreamException,
            // OverflowException...); whatever it throws while reading these bytes, the same bytes fail again.
            throw new AvroDecodeException(AvroDecodeError.Corrupt,
                $"The {what} is malformed Avro for {WriterSchema.Fullname}: {e.GetType().Name}: {e.Message}", e);
        }

        if (stream.Position != stream.Length)
        {
            throw new AvroDecodeException(AvroDecodeError.TrailingBytes,
                $"The {what} has {stream.Length - stream.Position} bytes after the end of its {WriterSchema.Fullname} (the record ends at byte {stream.Position} of a {stream.Length}-byte payload).");
        }

        return record;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);

    /// <summary>
    /// Apache.Avro's generic reader with the writer schema as reader schema (as Confluent's generic deserializer reads;
    /// the mappers read fields by name and handle what older writers lack), and two changes: a union index outside the
    /// union is reported as such (Apache.Avro throws a bare <see cref="IndexOutOfRangeException"/>), and
    /// timestamp-millis is not converted (Apache.Avro's conversion throws an <see cref="ArgumentOutOfRangeException"/>
    /// for a value outside <see cref="DateTime"/>, indistinguishable from corruption).
    /// </summary>
    /// <remarks>Keeps no per-call state: one instance serves every partition at once.</remarks>
    private sealed class StrictReader(RecordSchema writer) : DefaultReader(writer, writer)
    {
        protected override object ReadUnion(object reuse, UnionSchema writerSchema, Schema readerSchema, Decoder d)
        {
            var index = d.ReadUnionIndex();
            if (index < 0 || index >= writerSchema.Count)
            {
                throw new AvroDecodeException(AvroDecodeError.Corrupt,
                    $"it has union index {index}, outside the writer's {writerSchema.Count} branches ({string.Join(", ", writerSchema.Schemas.Select(s => s.Fullname))}).");
            }

            // Reader and writer schema are the same, so the reader's branch is the writer's.
            var branch = writerSchema[index];
            return Read(reuse, branch, branch, d);
        }

        protected override object ReadLogical(object reuse, LogicalSchema writerSchema, Schema readerSchema, Decoder d) =>
            writerSchema.LogicalTypeName == "timestamp-millis" && writerSchema.BaseSchema.Tag == Schema.Type.Long
                ? d.ReadLong()
                : base.ReadLogical(reuse, writerSchema, readerSchema, d);
    }
}
