using Segmenter.Contracts;

namespace Segmenter.Reader.Records;

/// <summary>
/// A record of <c>session-events</c>: an accepted event re-keyed by its session, with the position of the input record
/// it came from (headers <c>source.partition</c> / <c>source.offset</c>; null when a producer wrote none).
/// </summary>
internal sealed record SessionEventRecord(string Topic, int Partition, long Offset, SessionKey Key, Envelope Envelope, SourcePosition? Source)
    : TopicRecord(Topic, Partition, Offset);
