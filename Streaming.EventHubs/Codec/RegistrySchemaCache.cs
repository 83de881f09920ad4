using System.Collections.Concurrent;
using System.Net;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Segmenter.Serialization;
using Segmenter.Serialization.Generic;

namespace Segmenter.Streaming.EventHubs.Codec;

/// <summary>
/// The schema registry as the synchronous Event Hubs data adapter needs it: writer schemas by id (input) and schema
/// ids by subject (output), each asked for once per process and then served from memory.
/// </summary>
/// <remarks>
/// Orleans calls the data adapter synchronously (<c>IEventHubDataAdapter</c> has no async members) while a registry
/// lookup is an HTTP call, and <see cref="ContractSerdes"/> is async for that reason. Here the calling thread waits,
/// but only the first time a schema id or subject is seen; afterwards the answer comes from the dictionaries below.
/// The call itself runs on the thread pool (<see cref="Task.Run(Func{Task})"/>), never on the Orleans scheduler that
/// called the adapter, so the wait cannot deadlock.
/// <para>
/// An unreachable registry is not a decode error. On input, <see cref="WriterSchema"/> keeps retrying with backoff
/// until the registry answers: the partition stalls and nothing is skipped, as the Kafka path retries rather than
/// dead-letters. On output, <see cref="SchemaId"/> fails at once: the grain's publish fails, its activation ends and
/// the pulling agent delivers the batch again. Only an id the registry says it does not know is a decode error.
/// </para>
/// </remarks>
public sealed partial class RegistrySchemaCache(ISchemaRegistryClient registry, ILogger<RegistrySchemaCache> logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, global::Avro.Schema> _writers = new();
    private readonly ConcurrentDictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger;

    /// <summary>The schema a record with this id was written with; <see cref="AvroDecodeException"/> if the registry does not know it.</summary>
    public global::Avro.Schema WriterSchema(int id)
    {
        if (_writers.TryGetValue(id, out var known))
            return known;
        // Parsed as on the Kafka path: an id that names no readable Avro schema is the record's problem (SchemaMismatch).
        return _writers.GetOrAdd(id, WriterSchemas.Parse(id, FetchWithRetry(id)));
    }

    /// <summary>The id of <paramref name="schema"/> under <paramref name="subject"/>, registering it the first time (as the Kafka serializers do).</summary>
    public int SchemaId(string subject, global::Avro.RecordSchema schema)
    {
        var key = subject + "\n" + schema.Fullname;
        if (_ids.TryGetValue(key, out var id))
            return id;
        id = Task.Run(() => registry.RegisterSchemaAsync(subject, new Schema(schema.ToString(), SchemaType.Avro))).GetAwaiter().GetResult();
        return _ids.GetOrAdd(key, id);
    }

    private Schema FetchWithRetry(int id)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Task.Run(() => registry.GetSchemaAsync(id)).GetAwaiter().GetResult();
            }
            catch (SchemaRegistryException e) when (e.Status == HttpStatusCode.NotFound)
            {
                throw new AvroDecodeException(AvroDecodeError.UnknownSchemaId, $"The record names schema id {id}, which the schema registry does not know: {e.Message}", e);
            }
            catch (Exception e) when (e is HttpRequestException or SchemaRegistryException or TaskCanceledException or TimeoutException)
            {
                LogRegistryUnavailable(e, id, attempt, backoff);
                Thread.Sleep(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Schema registry unavailable while looking up schema id {SchemaId} (attempt {Attempt}); the partition waits and retries in {Backoff}")]
    private partial void LogRegistryUnavailable(Exception exception, int schemaId, int attempt, TimeSpan backoff);
}
