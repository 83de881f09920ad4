namespace Segmenter.Streaming.Kafka.Cache;

/// <summary>One batch container in the cache, linked to the next container of the same stream.</summary>
internal sealed class CacheEntry(KafkaBatchContainer container, long seq, StreamEntries stream)
{
    public KafkaBatchContainer Container { get; } = container;

    /// <summary>Position in the cache's arrival order (which is also offset order).</summary>
    public long Seq { get; } = seq;

    public StreamEntries Stream { get; } = stream;

    public CacheEntry? NextInStream { get; set; }
}
