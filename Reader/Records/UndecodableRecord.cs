namespace Segmenter.Reader.Records;

/// <summary>
/// A record that is not what its topic should hold (bad bytes, unknown schema id, a timestamp out of range...): the
/// reader shows it and goes on. <see cref="Error"/> is the kind the silo dead-letters it with.
/// </summary>
internal sealed record UndecodableRecord(string Topic, int Partition, long Offset, string Error, string Message)
    : TopicRecord(Topic, Partition, Offset);
