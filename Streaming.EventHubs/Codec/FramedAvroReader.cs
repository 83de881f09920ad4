using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Avro;
using Avro.Generic;
using Avro.IO;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Streaming.EventHubs.Codec;

/// <summary>
/// Reads a contract value from Avro with Confluent framing (magic byte 0, big-endian schema id, payload), synchronously,
/// with the writer schema the id names: the same result and the same <see cref="AvroDecodeException"/> kinds as
/// <see cref="AvroContractDeserializer{T}"/> on the Kafka path, which Orleans' synchronous adapter API cannot await.
/// </summary>
public sealed class FramedAvroReader(RegistrySchemaCache schemas)
{
    private const int FramingLength = 5;

    // Built once per writer schema; a reader keeps no per-call state, so it is shared between partitions.
    private readonly ConcurrentDictionary<int, GenericDatumReader<GenericRecord>> _readers = new();

    /// <param name="data">The framed bytes.</param>
    /// <param name="mapper">Maps the record to the contract type and checks its name and fields.</param>
    /// <param name="what">What is read, for messages (e.g. "body").</param>
    public T Read<T>(ReadOnlyMemory<byte> data, IAvroRecordMapper<T> mapper, string what)
    {
        if (data.IsEmpty)
            throw new AvroDecodeException(AvroDecodeError.Missing, $"The event has no {what}; a {mapper.Schema.Fullname} was expected.");
        var span = data.Span;
        if (data.Length < FramingLength || span[0] != 0)
            throw new AvroDecodeException(AvroDecodeError.NotAvro,
                $"The {what} is not Avro with schema-registry framing ({data.Length} bytes, first byte 0x{span[0]:x2}; expected magic byte 0x00 and a 4-byte schema id).");

        var id = BinaryPrimitives.ReadInt32BigEndian(span[1..FramingLength]);
        var reader = _readers.TryGetValue(id, out var known) ? known : _readers.GetOrAdd(id, ReaderFor(id, what));
        GenericRecord record;
        try
        {
            using var stream = AsStream(data[FramingLength..]);
            record = reader.Read(null!, new BinaryDecoder(stream));
        }
        catch (AvroException e)
        {
            throw new AvroDecodeException(AvroDecodeError.Corrupt, $"The {what} does not decode as {mapper.Schema.Fullname} with its writer schema: {e.Message}", e);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or InvalidCastException)
        {
            throw new AvroDecodeException(AvroDecodeError.Corrupt, $"The {what} is malformed Avro: {e.Message}", e);
        }

        return mapper.FromRecord(record);
    }

    private GenericDatumReader<GenericRecord> ReaderFor(int id, string what)
    {
        var writer = schemas.WriterSchema(id);
        if (writer is not RecordSchema)
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"The {what} was written with schema id {id}, a {writer.Tag} schema, not a record.");

        // Writer schema as reader schema, as Confluent's generic deserializer does: the mappers read fields by name and
        // handle what older writers lack (e.g. no seq), so every compatible writer is read the same way on both paths.
        return new GenericDatumReader<GenericRecord>(writer, writer);
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
}
