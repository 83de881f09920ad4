namespace Segmenter.Serialization.Kafka;

/// <summary>
/// The headers of a <c>session-events</c> record that carry its input record's position, so that downstream dedupe works
/// for events without <c>seq</c>: ASCII decimal numbers. The silo writes them, the reader reads them.
/// </summary>
public static class SessionEventHeaders
{
    public const string SourcePartition = "source.partition";
    public const string SourceOffset = "source.offset";
}
