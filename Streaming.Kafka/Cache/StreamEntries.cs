using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Cache;

/// <summary>The cached containers of one stream, oldest first, and the cursors reading them.</summary>
internal sealed class StreamEntries(StreamId streamId)
{
    public StreamId StreamId { get; } = streamId;
    public CacheEntry? Head { get; set; }
    public CacheEntry? Tail { get; set; }
    public List<DeliveryTrackingCursor> Cursors { get; } = [];

    public bool IsIdle => Head is null && Cursors.Count == 0;

    public void Append(CacheEntry entry)
    {
        if (Tail is null)
            Head = entry;
        else
            Tail.NextInStream = entry;
        Tail = entry;
    }

    /// <summary>Removes the head (which must be <paramref name="entry"/>).</summary>
    public void RemoveHead(CacheEntry entry)
    {
        if (!ReferenceEquals(Head, entry))
            throw new InvalidOperationException("Cache entries must leave a stream oldest first.");
        Head = entry.NextInStream;
        if (Head is null)
            Tail = null;
    }

    /// <summary>The first entry at or after <paramref name="seq"/>, or null.</summary>
    public CacheEntry? FirstFrom(long seq)
    {
        var entry = Head;
        while (entry is not null && entry.Seq < seq)
            entry = entry.NextInStream;
        return entry;
    }
}
