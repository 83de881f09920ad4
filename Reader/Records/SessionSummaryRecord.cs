using Segmenter.Contracts;

namespace Segmenter.Reader.Records;

/// <summary>A record of <c>sessions</c>: the summary of one closed session, under its session key.</summary>
internal sealed record SessionSummaryRecord(string Topic, int Partition, long Offset, SessionKey Key, SessionSummary Summary)
    : TopicRecord(Topic, Partition, Offset);
