using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Serialization;

/// <summary>
/// Reads a contract value written by any producer that uses the schema registry, with whatever compatible
/// schema it registered (the demo's records without <c>seq</c> included). Bytes that can never be read
/// throw <see cref="AvroDecodeException"/> naming the problem; registry outages propagate as they are
/// (<see cref="HttpRequestException"/>, or <see cref="SchemaRegistryException"/> with a 5xx status) so the
/// caller retries them instead of dead-lettering good records.
/// </summary>
public sealed class AvroContractDeserializer<T> : IAsyncDeserializer<T>
{
    /// <summary>Magic byte (1) and big-endian schema id (4) before the Avro payload.</summary>
    private const int FramingLength = 5;

    private readonly IAvroRecordMapper<T> _mapper;
    private readonly AvroDeserializer<GenericRecord> _inner;

    public AvroContractDeserializer(ISchemaRegistryClient registry, IAvroRecordMapper<T> mapper)
    {
        _mapper = mapper;
        _inner = new AvroDeserializer<GenericRecord>(registry, new AvroDeserializerConfig
        {
            SubjectNameStrategy = SubjectNameStrategy.Topic,
        });
    }

    public async Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        var what = context.Component == MessageComponentType.Key ? "key" : "value";
        if (isNull)
            throw new AvroDecodeException(AvroDecodeError.Missing, $"The record has no {what}; a {_mapper.Schema.Fullname} was expected.");
        if (data.Length < FramingLength || data.Span[0] != 0)
            throw new AvroDecodeException(AvroDecodeError.NotAvro,
                $"The {what} is not Avro with schema-registry framing ({data.Length} bytes, first byte {(data.Length > 0 ? $"0x{data.Span[0]:x2}" : "none")}; expected magic byte 0x00 and a 4-byte schema id).");

        GenericRecord record;
        try
        {
            record = await _inner.DeserializeAsync(data, isNull: false, context);
        }
        catch (SchemaRegistryException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            var id = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.Span[1..FramingLength]);
            throw new AvroDecodeException(AvroDecodeError.UnknownSchemaId, $"The {what} names schema id {id}, which the schema registry does not know: {e.Message}", e);
        }
        catch (AvroException e)
        {
            throw new AvroDecodeException(AvroDecodeError.Corrupt, $"The {what} does not decode as {_mapper.Schema.Fullname} with its writer schema: {e.Message}", e);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new AvroDecodeException(AvroDecodeError.Corrupt, $"The {what} is malformed Avro: {e.Message}", e);
        }

        return _mapper.FromRecord(record);
    }
}
