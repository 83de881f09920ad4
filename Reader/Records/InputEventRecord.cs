using Segmenter.Contracts;

namespace Segmenter.Reader.Records;

/// <summary>A record of the input topic <c>events</c>: a device's event as the driver (or a device) sent it.</summary>
internal sealed record InputEventRecord(string Topic, int Partition, long Offset, string DeviceId, Envelope Envelope)
    : TopicRecord(Topic, Partition, Offset)
{
    public SourcePosition Source => new(Partition, Offset);
}
