using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>The session a device has open, with the running figures its summary will report.</summary>
/// <remarks>A record for its compiler-written copy, as <see cref="DeviceState"/>.</remarks>
public sealed record OpenSession
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

    /// <summary>A deep copy: every member as it is (the cached key too), the accumulators, which the engine mutates, copied.</summary>
    public OpenSession Copy() => this with { Metrics = Metrics.ToDictionary(m => m.Key, m => m.Value.Copy(), StringComparer.Ordinal) };

    /// <summary>The output key of this session; built once per session rather than once per event.</summary>
    public SessionKey KeyFor(string deviceId) => _key ??= new SessionKey(new Device(deviceId), SessionId);
}
