using System.Collections.Concurrent;
using Avro;
using Confluent.SchemaRegistry;
using Segmenter.Serialization.Generic;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// The schema-registry lookups of the hot-path codecs, each done once per process: the id under which a subject has our
/// schema (registered when missing, as Confluent's serializer does), and the writer schema of an id read from a record.
/// A failed lookup is not cached, so an unreachable registry is retried by the next record.
/// </summary>
internal sealed class RegistrySchemas(ISchemaRegistryClient registry, bool autoRegister = true)
{
    private readonly ConcurrentDictionary<(string Subject, string Schema), Task<int>> _ids = new();
    private readonly ConcurrentDictionary<int, Task<RecordSchema?>> _writers = new();

    /// <summary>The id of <paramref name="schema"/> under <paramref name="subject"/>.</summary>
    public ValueTask<int> IdAsync(string subject, RecordSchema schema)
    {
        // Keyed by subject and record: a subject normally holds one record type, but the id must never be another's.
        var key = (subject, schema.Fullname);
        var task = _ids.GetOrAdd(key, _ => LookUpIdAsync(subject, schema));
        if (task.IsCompletedSuccessfully)
            return new ValueTask<int>(task.Result);
        return new ValueTask<int>(Await(key, task, _ids));
    }

    /// <summary>The writer schema of <paramref name="id"/>: null when it is not a record; UnknownSchemaId on 404 (see <see cref="WriterSchemas"/>).</summary>
    public ValueTask<RecordSchema?> WriterAsync(int id)
    {
        var task = _writers.GetOrAdd(id, LookUpWriterAsync);
        if (task.IsCompletedSuccessfully)
            return new ValueTask<RecordSchema?>(task.Result);
        return new ValueTask<RecordSchema?>(Await(id, task, _writers));
    }

    private async Task<int> LookUpIdAsync(string subject, RecordSchema schema)
    {
        var text = new Confluent.SchemaRegistry.Schema(schema.ToString(), SchemaType.Avro);
        return autoRegister ? await registry.RegisterSchemaAsync(subject, text) : await registry.GetSchemaIdAsync(subject, text);
    }

    private async Task<RecordSchema?> LookUpWriterAsync(int id) => await WriterSchemas.FetchAsync(registry, id) as RecordSchema;

    private static async Task<T> Await<TKey, T>(TKey key, Task<T> task, ConcurrentDictionary<TKey, Task<T>> cache)
        where TKey : notnull
    {
        try
        {
            return await task;
        }
        catch (Exception e) when (e is not AvroDecodeException)
        {
            cache.TryRemove(new KeyValuePair<TKey, Task<T>>(key, task)); // passing failure: ask again next time
            throw;
        }
    }
}
