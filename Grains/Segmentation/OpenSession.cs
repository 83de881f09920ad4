using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>The session a device has open, with the running figures its summary will report.</summary>
public sealed class OpenSession
{
    public required string SessionId { get; init; }

    /// <summary>Event time of the first event.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>Latest event time seen in the session (out-of-order events do not move it back).</summary>
    public DateTimeOffset LastEventTime { get; set; }

    /// <summary>Processing time of the last accepted event: rule 4 measures inactivity from here.</summary>
    public DateTimeOffset LastArrival { get; set; }

    public long EventCount { get; set; }
    public bool StartedWithoutWakeUp { get; init; }
    public long DuplicatesDropped { get; set; }
    public long OutOfOrder { get; set; }

    /// <summary>Per metric name; at most <see cref="SegmentationOptions.MaxMetricNamesPerSession"/> entries.</summary>
    public Dictionary<string, MetricAccumulator> Metrics { get; init; } = new(StringComparer.Ordinal);

    private SessionKey? _key;

    public OpenSession Clone() => new()
    {
        SessionId = SessionId,
        Started = Started,
        LastEventTime = LastEventTime,
        LastArrival = LastArrival,
        EventCount = EventCount,
        StartedWithoutWakeUp = StartedWithoutWakeUp,
        DuplicatesDropped = DuplicatesDropped,
        OutOfOrder = OutOfOrder,
        Metrics = Metrics.ToDictionary(m => m.Key, m => m.Value.Clone(), StringComparer.Ordinal),
        _key = _key,
    };

    /// <summary>The output key of this session; built once per session rather than once per event.</summary>
    public SessionKey KeyFor(string deviceId) => _key ??= new SessionKey(new Device(deviceId), SessionId);
}
