using Segmenter.Partitions;
using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Reader.Records;
using Segmenter.Reader.Verification;

namespace Segmenter.Tests.Cli;

/// <summary>
/// A verification input made by the real engine: input lines become records of one <c>events</c> partition, the
/// engine segments them as the silo would, and its outputs become the records of <c>session-events</c> and
/// <c>sessions</c>. Tests then doctor the lists to see each violation found.
/// </summary>
internal sealed class VerifierScenario(SegmentationOptions? options = null)
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SessionSegmenter _engine = new(options ?? new SegmentationOptions());
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);
    private DateTimeOffset _arrival = T0;

    public List<EventLine> Lines { get; } = [];
    public List<InputEventRecord> Events { get; } = [];
    public List<SessionEventRecord> SessionEvents { get; } = [];
    public List<SessionSummaryRecord> Summaries { get; } = [];

    /// <summary>One event sent and applied now (arrival times do not move unless <see cref="Wait"/> says so).</summary>
    public VerifierScenario Send(string device, DeviceEvent deviceEvent, double seconds, long? seq = null)
    {
        var envelope = new Envelope(deviceEvent, T0.AddSeconds(seconds), seq);
        var record = new InputEventRecord("events", 0, Events.Count, device, envelope);
        Lines.Add(new EventLine(Lines.Count + 1, device, envelope));
        Events.Add(record);
        var output = new SegmentationOutput();
        _engine.Apply(State(device), new IncomingEvent(envelope, record.Source, _arrival), output);
        Publish(output);
        return this;
    }

    /// <summary>Processing time passes: the timer closes what is inactive by then (rule 4).</summary>
    public VerifierScenario Wait(double seconds)
    {
        _arrival = _arrival.AddSeconds(seconds);
        var output = new SegmentationOutput();
        foreach (var state in _devices.Values)
            _engine.CloseIfInactive(state, new PartitionClock(null, _arrival), _arrival, output);
        Publish(output);
        return this;
    }

    /// <summary>Everything still open times out, as it eventually does.</summary>
    public VerifierScenario End() => Wait(3600);

    public VerificationInput Input() => new(Lines, Events, SessionEvents, Summaries, [], []);

    public VerificationReport Verify(VerificationRules? rules = null) =>
        ContractVerifier.Verify(Input(), rules ?? VerificationRules.Defaults with { InactivityTimeout = _engine.Options.InactivityTimeout, MaxSessionDuration = _engine.Options.MaxSessionDuration });

    public SessionSummaryRecord SummaryOf(string device, int index = 0) => Summaries.Where(s => s.Summary.DeviceId == device).ElementAt(index);

    public SessionEventRecord SessionEventOf(string device, int index) => SessionEvents.Where(s => s.Key.Device.Id == device).ElementAt(index);

    private DeviceState State(string device) =>
        _devices.TryGetValue(device, out var state) ? state : _devices[device] = new DeviceState { DeviceId = device };

    private void Publish(SegmentationOutput output)
    {
        foreach (var e in output.Events)
            SessionEvents.Add(new SessionEventRecord("session-events", 0, SessionEvents.Count, e.Key, e.Envelope, e.Source));
        foreach (var s in output.Summaries)
            Summaries.Add(new SessionSummaryRecord("sessions", 0, Summaries.Count, s.Key, s));
    }
}
