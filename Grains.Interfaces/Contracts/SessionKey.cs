namespace Segmenter.Contracts;

/// <summary>
/// The key of every output record (Avro <c>sessions.SessionKey</c>): all records of one session share it,
/// so they land in one partition, in order.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionKey([property: Id(0)] Device Device, [property: Id(1)] string SessionId)
{
    public override string ToString() => $"{Device.Id}:{SessionId}";
}
