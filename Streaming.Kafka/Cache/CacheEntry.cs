namespace Segmenter.Streaming.Kafka.Cache;

/// <summary>One batch container in the cache, linked to the next container of the same stream.</summary>
internal sealed class CacheEntry(KafkaBatchContainer container, long seq, StreamEntries stream, DateTimeOffset addedAt)
{
    public KafkaBatchContainer Container { get; } = container;

    /// <summary>Position in the cache's arrival order (which is also offset order).</summary>
    public long Seq { get; } = seq;

    public StreamEntries Stream { get; } = stream;

    public CacheEntry? NextInStream { get; set; }

    /// <summary>When the pulling agent took the container into the cache.</summary>
    public DateTimeOffset AddedAt { get; } = addedAt;

    /// <summary>
    /// A cursor of its stream was positioned at or before it, so the agent will deliver it (or knows it has no consumer).
    /// An unclaimed entry was added by an agent that stopped before it registered the stream: the hand-over commit must
    /// not pass it.
    /// </summary>
    public bool Claimed { get; set; }
}
