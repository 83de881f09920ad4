using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Avro;
using Schema = Avro.Schema;
using Confluent.SchemaRegistry;
using RegisteredSchema = Confluent.SchemaRegistry.Schema;

namespace Segmenter.Serialization.Registry;

/// <summary>
/// The schema registry as every codec needs it: the writer schema a record's schema id names (reading) and the id under
/// which a subject holds one of Segmenter's schemas, registered when missing (writing). Synchronous at its heart, for
/// the Event Hubs adapter that Orleans calls synchronously, with async versions for the Kafka serdes; both share the
/// entries and the one failure policy:
/// <list type="bullet">
/// <item><description>An answer is kept for the life of the process: a registry never changes what an id names.</description></item>
/// <item><description>A failed lookup is remembered for <see cref="SchemaRegistryCacheOptions.FailureMemory"/>: callers
/// meanwhile get the same failure at once, without a request; then the registry is asked again. Never cached for
/// good, never asked again per record during an outage.</description></item>
/// <item><description>What the registry says about a record (an unknown id, a schema that is not Avro or does not parse)
/// is the record's problem: an <see cref="AvroDecodeException"/>. Failing to ask it (unreachable, timeout, 5xx,
/// refused credentials; <see cref="SchemaRegistryOutage"/>) is an outage: <see cref="SchemaRegistryUnavailableException"/>,
/// the passing failure, with the client's exception inside.</description></item>
/// <item><description>A synchronous caller waits at most <see cref="SchemaRegistryCacheOptions.SyncWait"/> for a lookup in
/// flight, then gets the outage; for <see cref="SchemaRegistryCacheOptions.FailureMemory"/> so do the next synchronous
/// callers of that key, at once, while the lookup goes on. No thread sleeps in a retry loop.</description></item>
/// </list>
/// Lookups run on the thread pool, never on the caller's scheduler (an Orleans activation or the adapter's thread), so
/// a synchronous wait cannot deadlock; one lookup per key is in flight at a time, whoever asks.
/// </summary>
public sealed class SchemaRegistryCache
{
    // Failed entries are swept once the table is this large: random schema ids must not grow it without bound.
    private const int SweepAbove = 4_096;

    private readonly ISchemaRegistryClient _registry;
    private readonly TimeProvider _time;
    private readonly Lookups<int, Schema> _writers;
    private readonly Lookups<(string Subject, string FullName), int> _ids;

    /// <param name="registry">The client (one per process: it caches too, and holds the connections).</param>
    /// <param name="options">Failure memory, the synchronous wait and registration; defaults otherwise.</param>
    /// <param name="time">The clock of the failure memory (tests).</param>
    public SchemaRegistryCache(ISchemaRegistryClient registry, SchemaRegistryCacheOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        Options = options ?? new SchemaRegistryCacheOptions();
        _time = time ?? TimeProvider.System;
        _writers = new Lookups<int, Schema>(this);
        _ids = new Lookups<(string Subject, string FullName), int>(this);
    }

    public SchemaRegistryCacheOptions Options { get; }

    /// <summary>
    /// The schema a record with schema id <paramref name="id"/> was written with, for a synchronous caller; an
    /// <see cref="AvroDecodeException"/> (UnknownSchemaId, SchemaMismatch) when the registry's answer makes the record
    /// unreadable, <see cref="SchemaRegistryUnavailableException"/> on an outage.
    /// </summary>
    public Schema WriterSchema(int id) => _writers.Get(id, FetchWriterAsync, id);

    /// <summary>The writer schema of <paramref name="id"/> (see <see cref="WriterSchema"/>), for an async caller.</summary>
    public ValueTask<Schema> WriterSchemaAsync(int id) => _writers.GetAsync(id, FetchWriterAsync, id);

    /// <summary>
    /// Looks the writer schema of <paramref name="id"/> up ahead of a synchronous read, without throwing: the outage if
    /// the registry cannot be asked (the read would fail the same way), else null (the schema, or the registry's answer
    /// against the record, is now remembered for the read).
    /// </summary>
    public async ValueTask<SchemaRegistryUnavailableException?> PrepareWriterAsync(int id)
    {
        var lookup = _writers.Lookup(id, FetchWriterAsync, id);
        if (!lookup.IsCompleted)
            await ((Task)lookup).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return lookup.Exception?.InnerException as SchemaRegistryUnavailableException;
    }

    /// <summary>
    /// The id of <paramref name="schema"/> under <paramref name="subject"/>, for a synchronous caller: registered the first
    /// time unless <see cref="SchemaRegistryCacheOptions.AutoRegister"/> is off. <see cref="SchemaRegistryUnavailableException"/>
    /// on an outage; what else the registry refuses (e.g. an incompatible schema) propagates as its client threw it.
    /// </summary>
    public int SchemaId(string subject, RecordSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return _ids.Get((subject, schema.Fullname), LookUpIdAsync, schema);
    }

    /// <summary>The id of <paramref name="schema"/> under <paramref name="subject"/> (see <see cref="SchemaId"/>), for an async caller.</summary>
    public ValueTask<int> SchemaIdAsync(string subject, RecordSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return _ids.GetAsync((subject, schema.Fullname), LookUpIdAsync, schema);
    }

    /// <summary>The Avro schema of a registered schema; SchemaMismatch when it is no Avro schema that this process can read.</summary>
    internal static Schema Parse(int id, RegisteredSchema registered)
    {
        if (registered.SchemaType != SchemaType.Avro)
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Schema id {id} is a {registered.SchemaType} schema, not Avro.");
        try
        {
            // Segmenter's schemas are self-contained; a schema with references to other subjects would not parse here.
            return Schema.Parse(registered.SchemaString);
        }
        catch (SchemaParseException e)
        {
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Schema id {id} is not a self-contained Avro schema: {e.Message}", e);
        }
    }

    private async Task<Schema> FetchWriterAsync(int id, int state)
    {
        RegisteredSchema registered;
        try
        {
            registered = await _registry.GetSchemaAsync(id).ConfigureAwait(false);
        }
        catch (SchemaRegistryException e) when (e.Status == HttpStatusCode.NotFound)
        {
            // The registry's answer about the record, not an outage.
            throw new AvroDecodeException(AvroDecodeError.UnknownSchemaId, $"The record names schema id {id}, which the schema registry does not know: {e.Message}", e);
        }

        return Parse(id, registered);
    }

    private async Task<int> LookUpIdAsync((string Subject, string FullName) key, RecordSchema schema)
    {
        var text = new RegisteredSchema(schema.ToString(), SchemaType.Avro);
        return Options.AutoRegister
            ? await _registry.RegisterSchemaAsync(key.Subject, text).ConfigureAwait(false)
            : await _registry.GetSchemaIdAsync(key.Subject, text).ConfigureAwait(false);
    }

    private static string Describe<TKey>(TKey key) => key switch
    {
        int id => string.Create(CultureInfo.InvariantCulture, $"schema id {id}"),
        ValueTuple<string, string> subject => $"the id of {subject.Item2} under subject {subject.Item1}",
        _ => key?.ToString() ?? "",
    };

    /// <summary>One kind of lookup: its entries by key, each a lookup in flight, an answer, or a failure remembered for a while.</summary>
    private sealed class Lookups<TKey, T>(SchemaRegistryCache owner)
        where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, Entry> _entries = new();

        public T Get<TState>(TKey key, Func<TKey, TState, Task<T>> lookUp, TState state)
        {
            var entry = For(key, lookUp, state);
            var task = entry.Task;
            if (!task.IsCompleted)
            {
                var wait = owner.Options.SyncWait;
                if (entry.StalledRecently(owner))
                {
                    throw new SchemaRegistryUnavailableException(
                        $"The schema registry has not answered the lookup of {Describe(key)} yet (a caller gave up waiting {wait.TotalSeconds:0.###} s for it); asked again after {owner.Options.FailureMemory.TotalSeconds:0.###} s.");
                }

                if (!Wait(task, wait))
                {
                    entry.Stalled(owner);
                    throw new SchemaRegistryUnavailableException(
                        $"The schema registry did not answer the lookup of {Describe(key)} within {wait.TotalSeconds:0.###} s.");
                }
            }

            return task.GetAwaiter().GetResult();
        }

        public ValueTask<T> GetAsync<TState>(TKey key, Func<TKey, TState, Task<T>> lookUp, TState state)
        {
            var task = For(key, lookUp, state).Task;
            return task.IsCompletedSuccessfully ? new ValueTask<T>(task.Result) : new ValueTask<T>(task);
        }

        public Task<T> Lookup<TState>(TKey key, Func<TKey, TState, Task<T>> lookUp, TState state) => For(key, lookUp, state).Task;

        private Entry For<TState>(TKey key, Func<TKey, TState, Task<T>> lookUp, TState state)
        {
            while (true)
            {
                if (_entries.TryGetValue(key, out var entry))
                {
                    if (!entry.IsExpired(owner))
                        return entry;
                    var fresh = new Entry(owner, key, () => lookUp(key, state));
                    if (_entries.TryUpdate(key, fresh, entry))
                        return fresh;
                    continue;
                }

                var created = new Entry(owner, key, () => lookUp(key, state));
                if (_entries.TryAdd(key, created))
                {
                    if (_entries.Count > SweepAbove)
                        Sweep();
                    return created;
                }
            }
        }

        private void Sweep()
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.IsExpired(owner))
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        private static bool Wait(Task task, TimeSpan timeout)
        {
            try
            {
                return task.Wait(timeout);
            }
            catch (AggregateException)
            {
                return true; // completed, with the failure GetResult rethrows
            }
        }

        /// <summary>One key's lookup. Started lazily, by the first caller that finds the entry in the table.</summary>
        private sealed class Entry
        {
            private readonly Lazy<Task<T>> _lookup;
            private long _failedAt;
            private volatile bool _failed;
            private long _stalledAt;
            private volatile bool _stalled;

            public Entry(SchemaRegistryCache owner, TKey key, Func<Task<T>> lookUp)
            {
                _lookup = new Lazy<Task<T>>(() => System.Threading.Tasks.Task.Run(() => RunAsync(owner, key, lookUp)), LazyThreadSafetyMode.ExecutionAndPublication);
            }

            public Task<T> Task => _lookup.Value;

            public bool IsExpired(SchemaRegistryCache owner) =>
                _failed && owner._time.GetElapsedTime(Interlocked.Read(ref _failedAt)) >= owner.Options.FailureMemory;

            public bool StalledRecently(SchemaRegistryCache owner) =>
                _stalled && owner._time.GetElapsedTime(Interlocked.Read(ref _stalledAt)) < owner.Options.FailureMemory;

            public void Stalled(SchemaRegistryCache owner)
            {
                Interlocked.Exchange(ref _stalledAt, owner._time.GetTimestamp());
                _stalled = true;
            }

            private async Task<T> RunAsync(SchemaRegistryCache owner, TKey key, Func<Task<T>> lookUp)
            {
                try
                {
                    return await lookUp().ConfigureAwait(false);
                }
                catch (Exception e) when (Failed(owner) && SchemaRegistryOutage.Is(e))
                {
                    var what = SchemaRegistrySettings.IsRefusedCredentials(e) ? "refused the credentials" : "cannot be reached";
                    throw new SchemaRegistryUnavailableException($"The schema registry {what} (looking up {Describe(key)}): {e.Message}", e);
                }
            }

            // Runs in the exception filter: every failure is remembered from now on, whatever it is.
            private bool Failed(SchemaRegistryCache owner)
            {
                Interlocked.Exchange(ref _failedAt, owner._time.GetTimestamp());
                _failed = true;
                return true;
            }
        }
    }
}
