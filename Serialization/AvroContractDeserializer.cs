using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Serialization.Binary;
using Segmenter.Serialization.Generic;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Serialization;

/// <summary>
/// Reads a contract value written by any producer that uses the schema registry, with whatever compatible
/// schema it registered (the demo's records without <c>seq</c> included). Bytes that can never be read
/// throw <see cref="AvroDecodeException"/> naming the problem, with the same kinds as the direct codecs
/// (<see cref="AvroPayloadReader"/>); registry outages propagate as they are (<see cref="HttpRequestException"/>,
/// or a <see cref="SchemaRegistryException"/> other than 404) so the caller retries them instead of
/// dead-lettering good records.
/// </summary>
public sealed class AvroContractDeserializer<T>(ISchemaRegistryClient registry, IAvroRecordMapper<T> mapper) : IAsyncDeserializer<T>
{
    // One reader per writer schema id; a failed lookup is not cached, so an unreachable registry is asked again.
    private readonly ConcurrentDictionary<int, AvroPayloadReader> _readers = new();

    public async Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        var id = ConfluentFraming.SchemaId(data.Span, isNull, context, mapper.Schema.Fullname);
        var what = ConfluentFraming.What(context);
        if (!_readers.TryGetValue(id, out var reader))
            reader = _readers.GetOrAdd(id, AvroPayloadReader.For(await WriterSchemas.FetchAsync(registry, id), id, what));
        return mapper.FromRecord(reader.Read(data[ConfluentFraming.Length..], what));
    }
}
