using System.Buffers.Binary;
using System.Collections.Concurrent;
using Segmenter.Serialization;
using Segmenter.Serialization.Generic;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Streaming.EventHubs.Codec;

/// <summary>
/// Reads a contract value from Avro with Confluent framing (magic byte 0, big-endian schema id, payload), synchronously,
/// with the writer schema the id names: the same result and the same <see cref="AvroDecodeException"/> kinds as
/// <see cref="AvroContractDeserializer{T}"/> on the Kafka path (both read with <see cref="AvroPayloadReader"/>), which
/// Orleans' synchronous adapter API cannot await.
/// </summary>
public sealed class FramedAvroReader(RegistrySchemaCache schemas)
{
    private const int FramingLength = 5;

    // Built once per writer schema; a reader keeps no per-call state, so it is shared between partitions.
    private readonly ConcurrentDictionary<int, AvroPayloadReader> _readers = new();

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
        var reader = _readers.TryGetValue(id, out var known) ? known : _readers.GetOrAdd(id, AvroPayloadReader.For(schemas.WriterSchema(id), id, what));
        return mapper.FromRecord(reader.Read(data[FramingLength..], what));
    }
}
