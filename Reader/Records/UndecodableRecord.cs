namespace Segmenter.Reader.Records;

/// <summary>A record that is not what its topic should hold (bad bytes, unknown schema id...): the reader shows it and goes on.</summary>
internal sealed record UndecodableRecord(string Topic, int Partition, long Offset, string Error, string Message)
    : TopicRecord(Topic, Partition, Offset);
