using Segmenter.Contracts;

namespace Segmenter.Reader.Stats;

/// <summary>
/// What happened on the output topics since the last report: records per topic, sessions closed per reason, and the
/// end-to-end latency of each session event (when the reader saw it minus the event's timestamp). The read loop adds,
/// the reporting timer takes; both under one lock.
/// </summary>
internal sealed class StatsWindow
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CloseReason, long> _closed = [];
    private List<double> _latenciesMs = [];
    private long _sessionEvents;
    private long _sessions;
    private long _undecodable;

    public void AddSessionEvent(DateTimeOffset eventTime, DateTimeOffset seenAt)
    {
        lock (_lock)
        {
            _sessionEvents++;
            _latenciesMs.Add((seenAt - eventTime).TotalMilliseconds);
        }
    }

    public void AddSummary(CloseReason reason)
    {
        lock (_lock)
        {
            _sessions++;
            _closed[reason] = _closed.GetValueOrDefault(reason) + 1;
        }
    }

    public void AddUndecodable()
    {
        lock (_lock)
            _undecodable++;
    }

    /// <summary>The window's figures; the window starts again empty.</summary>
    public StatsSnapshot Take()
    {
        lock (_lock)
        {
            var snapshot = new StatsSnapshot(_sessionEvents, _sessions, new Dictionary<CloseReason, long>(_closed), _undecodable, _latenciesMs);
            (_sessionEvents, _sessions, _undecodable) = (0, 0, 0);
            _closed.Clear();
            _latenciesMs = [];
            return snapshot;
        }
    }
}
