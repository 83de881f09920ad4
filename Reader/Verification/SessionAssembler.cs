using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Rebuilds the sessions from <c>session-events</c>: dedupes copies by (device, session, source position), as the
/// contract tells downstream consumers to, and checks each record against the input record it names (it must exist,
/// be unchanged, not be a retry) and each session's records against the output order (one partition, source order).
/// </summary>
internal sealed class SessionAssembler(IReadOnlyDictionary<SourcePosition, ExpectedEvent> expected, VerificationReport report)
{
    private readonly Dictionary<(string Device, string Session), ObservedSession> _sessions = [];
    private readonly Dictionary<(string Device, string Session, SourcePosition Source), SessionEventRecord> _distinct = [];
    private readonly Dictionary<SourcePosition, List<string>> _sessionsOfSource = [];

    public long Records { get; private set; }

    public long DuplicateCopies { get; private set; }

    public IReadOnlyCollection<ObservedSession> Sessions => _sessions.Values;

    /// <summary>The distinct session ids each input record appears in.</summary>
    public IReadOnlyDictionary<SourcePosition, List<string>> SessionsOfSource => _sessionsOfSource;

    public void Add(SessionEventRecord record)
    {
        Records++;
        var (device, sessionId) = (record.Key.Device.Id, record.Key.SessionId);
        if (record.Source is not { } source)
        {
            report.Violation("no-source-position", device, sessionId,
                $"{record.Position} has no source.partition/source.offset headers: it cannot be matched to its input record or deduped.");
            return;
        }

        if (_distinct.TryGetValue((device, sessionId, source), out var first))
        {
            DuplicateCopies++;
            if (first.Envelope != record.Envelope)
                report.Violation("altered-event", device, sessionId,
                    $"{record.Position} and {first.Position} name the same source {source} but carry different events ({record.Envelope.Event} vs {first.Envelope.Event}).");
            return;
        }

        _distinct[(device, sessionId, source)] = record;
        if (!expected.TryGetValue(source, out var input))
        {
            report.Violation("unknown-source", device, sessionId,
                $"{record.Position} ({record.Envelope.Event}) names source events {source}, which is not a record of device {device} in the events topic.");
            return;
        }

        if (input.DeviceId != device || input.Envelope != record.Envelope)
        {
            report.Violation("altered-event", device, sessionId,
                $"{record.Position} carries [{device}] {record.Envelope} but its source {input.Record.Position} is [{input.DeviceId}] {input.Envelope}.");
            return;
        }

        if (!_sessions.TryGetValue((device, sessionId), out var session))
            _sessions[(device, sessionId)] = session = new ObservedSession(device, sessionId);
        session.Events.Add(input);
        if (!_sessionsOfSource.TryGetValue(source, out var ids))
            _sessionsOfSource[source] = ids = [];
        ids.Add(sessionId);
    }

    /// <summary>Sorts each session's events into arrival order and checks that the output kept that order.</summary>
    public void Complete()
    {
        foreach (var session in _sessions.Values)
            session.Events.Sort((a, b) => a.Source.CompareTo(b.Source));

        foreach (var group in _distinct.Values.GroupBy(r => (Device: r.Key.Device.Id, Session: r.Key.SessionId)))
        {
            var records = group.ToList();
            var partitions = records.Select(r => r.Partition).Distinct().Order().ToList();
            if (partitions.Count > 1)
            {
                report.Violation("session-split-across-partitions", group.Key.Device, group.Key.Session,
                    $"the session's records are on partitions {string.Join(", ", partitions)} of {records[0].Topic}; all records of a session must share one.");
                continue;
            }

            var inOutputOrder = records.OrderBy(r => r.Offset).ToList();
            for (var i = 1; i < inOutputOrder.Count; i++)
            {
                if (inOutputOrder[i].Source!.Value < inOutputOrder[i - 1].Source!.Value)
                {
                    report.Violation("output-order", group.Key.Device, group.Key.Session,
                        $"{inOutputOrder[i].Position} (source {inOutputOrder[i].Source}) comes after {inOutputOrder[i - 1].Position} (source {inOutputOrder[i - 1].Source}): events must be in input order per device.");
                    break;
                }
            }
        }
    }
}
