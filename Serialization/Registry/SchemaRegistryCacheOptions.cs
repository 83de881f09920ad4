namespace Segmenter.Serialization.Registry;

/// <summary>How <see cref="SchemaRegistryCache"/> asks the registry and how long it remembers a failure.</summary>
public sealed class SchemaRegistryCacheOptions
{
    /// <summary>How long a failed lookup is remembered: callers meanwhile get the same failure at once, then the registry is asked again.</summary>
    public static readonly TimeSpan DefaultFailureMemory = TimeSpan.FromSeconds(1);

    /// <summary>How long a synchronous caller waits for a lookup before it gets the outage.</summary>
    public static readonly TimeSpan DefaultSyncWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a failed lookup (an outage, or the registry's answer that an id is unknown) is remembered before the
    /// registry is asked again. Short: long enough that an outage costs one registry request per key per period instead
    /// of one per record, short enough that nothing stays refused once the registry answers.
    /// </summary>
    public TimeSpan FailureMemory { get; init; } = DefaultFailureMemory;

    /// <summary>
    /// The longest a synchronous caller (the Event Hubs adapter, which Orleans calls synchronously) waits for a lookup in
    /// flight; then it gets <see cref="SchemaRegistryUnavailableException"/>, and so does every synchronous caller of the
    /// same key for <see cref="FailureMemory"/>, without waiting, while the lookup goes on. Async callers are not bounded
    /// here (the registry client's request timeout bounds them) as they hold no thread while they wait.
    /// </summary>
    public TimeSpan SyncWait { get; init; } = DefaultSyncWait;

    /// <summary>Whether writing registers a schema its subject lacks (as Confluent's serializers do by default), or only looks its id up.</summary>
    public bool AutoRegister { get; init; } = true;
}
