using System.Collections.Immutable;

namespace Segmenter.Contracts;

/// <summary>
/// One record per closed session on the <c>sessions</c> topic (Avro <c>sessions.SessionSummary</c>).
/// </summary>
/// <param name="DeviceId">The device.</param>
/// <param name="SessionId">Deterministic id of the session (see <c>SessionIds</c>).</param>
/// <param name="Started">Event time of the session's first event.</param>
/// <param name="Ended">Latest event time in the session.</param>
/// <param name="EventCount">Accepted events in the session (duplicates excluded).</param>
/// <param name="Reason">Why it was closed.</param>
/// <param name="StartedWithoutWakeUp">The first event was not a <c>DeviceWokeUp</c>.</param>
/// <param name="DuplicatesDropped">Retries (by <c>seq</c>) that arrived while the session was open.</param>
/// <param name="OutOfOrder">Accepted events older than the session's latest event.</param>
/// <param name="Metrics">Per metric name: count, min, max, mean, last.</param>
[GenerateSerializer, Immutable]
public sealed record SessionSummary(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string SessionId,
    [property: Id(2)] DateTimeOffset Started,
    [property: Id(3)] DateTimeOffset Ended,
    [property: Id(4)] long EventCount,
    [property: Id(5)] CloseReason Reason,
    [property: Id(6)] bool StartedWithoutWakeUp,
    [property: Id(7)] long DuplicatesDropped,
    [property: Id(8)] long OutOfOrder,
    [property: Id(9)] ImmutableSortedDictionary<string, MetricSummary> Metrics)
{
    /// <summary>The key this summary is published under.</summary>
    public SessionKey Key => new(new Device(DeviceId), SessionId);

    // Records compare dictionaries by reference; summaries are compared by content in tests and dedupe.
    public bool Equals(SessionSummary? other) =>
        other is not null
        && DeviceId == other.DeviceId && SessionId == other.SessionId
        && Started == other.Started && Ended == other.Ended
        && EventCount == other.EventCount && Reason == other.Reason
        && StartedWithoutWakeUp == other.StartedWithoutWakeUp
        && DuplicatesDropped == other.DuplicatesDropped && OutOfOrder == other.OutOfOrder
        && Metrics.Count == other.Metrics.Count
        && Metrics.All(m => other.Metrics.TryGetValue(m.Key, out var o) && o == m.Value);

    public override int GetHashCode() => HashCode.Combine(DeviceId, SessionId, EventCount, Reason);

    public override string ToString() =>
        $"{DeviceId}:{SessionId} {Reason} events={EventCount} [{Started:O} .. {Ended:O}]" +
        (StartedWithoutWakeUp ? " started-without-wake-up" : "") +
        (DuplicatesDropped > 0 ? $" duplicates={DuplicatesDropped}" : "") +
        (OutOfOrder > 0 ? $" out-of-order={OutOfOrder}" : "") +
        (Metrics.Count > 0 ? " " + string.Join(' ', Metrics.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{m.Key}(n={m.Value.Count},min={m.Value.Min:0.###},max={m.Value.Max:0.###},mean={m.Value.Mean:0.###},last={m.Value.Last:0.###})"))) : "");
}
