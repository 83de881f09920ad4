namespace Segmenter.Reader.Records;

/// <summary>One record read from a topic, decoded, with where it was read.</summary>
internal abstract record TopicRecord(string Topic, int Partition, long Offset)
{
    /// <summary>As Kafka tools write a position: <c>session-events-2@15</c>.</summary>
    public string Position => $"{Topic}-{Partition}@{Offset}";
}
