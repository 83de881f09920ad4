using Segmenter.Contracts;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Checks the guarantees of SEGMENTATION.md that hold whatever the processing-time timing was, for the devices of an
/// input file: every input event is in <c>events</c>; after dedupe by (device, session, source position) every accepted
/// event is in <c>session-events</c> exactly once and every retry by seq is not; each session has exactly one summary,
/// consistent with its events; and the rules of sessions and of their close reasons hold. Pure: it only reads what it
/// is given.
/// </summary>
internal static class ContractVerifier
{
    public static VerificationReport Verify(VerificationInput input, VerificationRules rules)
    {
        var report = new VerificationReport();
        var devices = input.Lines.Select(l => l.DeviceId).ToHashSet(StringComparer.Ordinal);
        var inScope = input.Events.Where(e => devices.Contains(e.DeviceId)).ToList();

        // Input: every line must be a record of `events`; records of the same devices that no line claims are checked too.
        var (lineOf, notFound, unclaimed) = InputMatcher.Match(input.Lines, inScope);
        foreach (var line in notFound)
            report.Violation("input-not-in-events", line.DeviceId, null,
                $"line {line.LineNumber} ({line.Envelope}) is not in the events topic: never produced, or deleted by retention before it was read.");
        if (unclaimed.Count > 0)
            report.Warning("records-not-in-input", null, null,
                $"{unclaimed.Count} records of the input's devices in the events topic are not in the input file (e.g. {unclaimed[0].Position} [{unclaimed[0].DeviceId}] {unclaimed[0].Envelope}); they are checked like input.");
        foreach (var devicesOnPartitions in inScope.GroupBy(e => e.DeviceId).Where(g => g.Select(e => e.Partition).Distinct().Count() > 1))
            report.Warning("device-on-several-partitions", devicesOnPartitions.Key, null,
                "the device's records are on several partitions of the events topic, so their order is not defined (was the partition count changed?).");

        var fates = FateClassifier.Classify(inScope, rules.PurgeAfter);
        var expected = inScope.ToDictionary(e => e.Source, e => new ExpectedEvent(e, lineOf.GetValueOrDefault(e.Source), fates[e.Source]));

        // Output events: dedupe, match to their sources, rebuild the sessions.
        var assembler = new SessionAssembler(expected, report);
        var sessionEventsInScope = input.SessionEvents.Where(e => devices.Contains(e.Key.Device.Id)).ToList();
        foreach (var record in sessionEventsInScope)
            assembler.Add(record);
        assembler.Complete();
        CheckExactlyOnce(expected.Values, assembler.SessionsOfSource, report);

        // Summaries, then each session and each device's sequence of sessions.
        var summariesInScope = input.Summaries.Where(s => devices.Contains(s.Summary.DeviceId) || devices.Contains(s.Key.Device.Id)).ToList();
        var (summaryRecords, summaryCopies, distinctSummaries) = SummaryCollector.Attach(summariesInScope, assembler.Sessions, report);
        var retriesByDevice = expected.Values.Where(e => e.Fate == RecordFate.Retry)
            .GroupBy(e => e.DeviceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ExpectedEvent>)[.. g.OrderBy(e => e.Source)], StringComparer.Ordinal);
        foreach (var device in assembler.Sessions.GroupBy(s => s.DeviceId, StringComparer.Ordinal))
        {
            var ordered = device.OrderBy(s => s.First.Source).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                SessionStructure.Check(ordered[i], rules, report);
                SummaryConsistency.Check(ordered[i], retriesByDevice.GetValueOrDefault(device.Key) ?? [],
                    i + 1 < ordered.Count ? ordered[i + 1].First : null, rules, report);
            }

            DeviceSequence.Check(ordered, rules, report);
        }

        foreach (var undecodable in input.UndecodableOutputs)
            report.Violation("undecodable-output", null, null, $"{undecodable.Position} cannot be read ({undecodable.Error}): {undecodable.Message}");

        Count(report, input, devices.Count, lineOf.Count, notFound.Count, unclaimed.Count, inScope.Count, expected.Values,
            assembler, sessionEventsInScope.Count, summaryRecords, summaryCopies, distinctSummaries);
        return report;
    }

    private static void CheckExactlyOnce(IEnumerable<ExpectedEvent> expected, IReadOnlyDictionary<SourcePosition, List<string>> sessionsOfSource, VerificationReport report)
    {
        foreach (var e in expected.OrderBy(e => e.Source))
        {
            var sessions = sessionsOfSource.GetValueOrDefault(e.Source) ?? [];
            if (e.Fate == RecordFate.Retry && sessions.Count > 0)
                report.Violation("retry-not-dropped", e.DeviceId, sessions[0],
                    $"{e.Describe()} repeats an earlier seq of the device but is in session-events: retries must be dropped (rule 6).");
            else if (e.Fate != RecordFate.Retry && sessions.Count > 1)
                report.Violation("event-in-two-sessions", e.DeviceId, sessions[0],
                    $"{e.Describe()} is in sessions {string.Join(" and ", sessions)}: an event belongs to exactly one session.");
            else if (e.Fate == RecordFate.Accepted && sessions.Count == 0)
                report.Violation("event-missing", e.DeviceId, null, $"{e.Describe()} is not in session-events: every accepted input event must be.");
        }
    }

    private static void Count(VerificationReport report, VerificationInput input, int devices, int matched, int notFound, int unclaimed,
        int inScope, IEnumerable<ExpectedEvent> expected, SessionAssembler assembler, int sessionEventRecords,
        long summaryRecords, long summaryCopies, int distinctSummaries)
    {
        var fates = expected.GroupBy(e => e.Fate).ToDictionary(g => g.Key, g => g.Count());
        report.Counts.Add(("input", $"{input.Lines.Count} lines, {devices} devices"));
        report.Counts.Add(("events", $"{matched} lines found, {notFound} not found; {unclaimed} other records of these devices; "
            + $"{input.Events.Count - inScope} records of other devices ignored; {input.UndecodableEvents.Count} undecodable (dead-lettered by the silo)"));
        report.Counts.Add(("expected", $"{fates.GetValueOrDefault(RecordFate.Accepted)} accepted, {fates.GetValueOrDefault(RecordFate.Retry)} retries to drop (rule 6)"
            + (fates.GetValueOrDefault(RecordFate.Ambiguous) is > 0 and var ambiguous ? $", {ambiguous} retries after a possible purge (either way)" : "")));
        report.Counts.Add(("session-events", $"{sessionEventRecords} records read, {sessionEventRecords - assembler.DuplicateCopies} distinct, "
            + $"{assembler.DuplicateCopies} duplicate copies deduped; {assembler.Sessions.Count} sessions"));
        var reasons = assembler.Sessions.Where(s => s.Summary is not null).GroupBy(s => s.Summary!.Reason).ToDictionary(g => g.Key, g => g.Count());
        report.Counts.Add(("sessions", $"{summaryRecords} records read, {distinctSummaries} distinct, {summaryCopies} identical copies deduped; "
            + string.Join(", ", Enum.GetValues<CloseReason>().Select(r => $"{r} {reasons.GetValueOrDefault(r)}"))));
    }
}
