using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Reader.Records;
using Segmenter.Reader.Verification;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Cli;

/// <summary>
/// <c>reader verify</c>'s checks on outputs the real engine produced: a clean run passes, copies are deduped, and each
/// kind of doctored output is found with its reason.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class ContractVerifierTests
{
    private static readonly DataReceived Pressure = new("pressure", 0.5);

    /// <summary>Every rule once: completed, superseded, timed out, lost wake-up, all-data alone, retry, out of order.</summary>
    private static VerifierScenario EveryRule(SegmentationOptions? options = null) => new VerifierScenario(options)
        .Send("complete", DeviceWokeUp.Instance, 0, 1).Send("complete", Pressure, 1, 2).Send("complete", new DataReceived("pressure", 1.5), 2, 3).Send("complete", AllDataReceived.Instance, 3, 4)
        .Send("supersede", DeviceWokeUp.Instance, 0).Send("supersede", Pressure, 1).Send("supersede", DeviceWokeUp.Instance, 2).Send("supersede", Pressure, 3)
        .Send("gap", DeviceWokeUp.Instance, 0).Send("gap", Pressure, 10)
        .Send("lost", Pressure, 0).Send("lost", AllDataReceived.Instance, 1)
        .Send("alone", AllDataReceived.Instance, 0)
        .Send("retry", DeviceWokeUp.Instance, 0, 1).Send("retry", Pressure, 1, 2).Send("retry", Pressure, 1, 2).Send("retry", AllDataReceived.Instance, 2, 3)
        .Send("late", DeviceWokeUp.Instance, 10).Send("late", Pressure, 12).Send("late", new DataReceived("wind", 1), 11).Send("late", AllDataReceived.Instance, 13)
        .End();

    [Fact]
    public void A_clean_run_passes()
    {
        var scenario = EveryRule();
        var report = scenario.Verify();
        Assert.True(report.Passed, string.Join("\n", report.Violations));
        Assert.Empty(report.Warnings);
        Assert.Contains(report.Counts, c => c.Label == "expected" && c.Figures.StartsWith("20 accepted, 1 retries", StringComparison.Ordinal));
        Assert.Contains(report.Counts, c => c.Label == "sessions" && c.Figures.Contains("Completed 5, TimedOut 3, Superseded 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Identical_copies_of_output_records_are_deduped_and_counted()
    {
        var scenario = EveryRule();
        scenario.SessionEvents.Add(scenario.SessionEventOf("complete", 1) with { Offset = 1000 });
        scenario.Summaries.Add(scenario.SummaryOf("late") with { Offset = 1000 });
        var report = scenario.Verify();
        Assert.True(report.Passed, string.Join("\n", report.Violations));
        Assert.Contains(report.Counts, c => c.Label == "session-events" && c.Figures.Contains("1 duplicate copies deduped", StringComparison.Ordinal));
        Assert.Contains(report.Counts, c => c.Label == "sessions" && c.Figures.Contains("1 identical copies deduped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_event_is_found()
    {
        var scenario = EveryRule();
        scenario.SessionEvents.Remove(scenario.SessionEventOf("complete", 1));
        AssertViolations(scenario.Verify(), "event-missing", "summary-mismatch");
    }

    [Fact]
    public void An_event_in_two_sessions_is_found()
    {
        var scenario = EveryRule();
        var original = scenario.SessionEventOf("complete", 1);
        scenario.SessionEvents.Add(original with { Key = original.Key with { SessionId = "doctored0000" }, Offset = 1000 });
        // The copy also makes a session of its own that overlaps the original and has no summary.
        AssertViolations(scenario.Verify(), "event-in-two-sessions", "session-without-summary", "sessions-overlap");
    }

    [Fact]
    public void A_summary_with_a_wrong_count_is_found()
    {
        var scenario = EveryRule();
        var index = scenario.Summaries.IndexOf(scenario.SummaryOf("complete"));
        scenario.Summaries[index] = scenario.Summaries[index] with { Summary = scenario.Summaries[index].Summary with { EventCount = 5 } };
        var report = scenario.Verify();
        AssertViolations(report, "summary-mismatch");
        Assert.Contains("eventCount is 5 but the session has 4 distinct events", report.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_different_summaries_of_one_session_are_found()
    {
        var scenario = EveryRule();
        var summary = scenario.SummaryOf("late");
        scenario.Summaries.Add(summary with { Offset = 1000, Summary = summary.Summary with { OutOfOrder = 0 } });
        AssertViolations(scenario.Verify(), "conflicting-summaries");
    }

    [Fact]
    public void A_retry_that_was_not_dropped_is_found()
    {
        var scenario = EveryRule();
        var retried = scenario.Events.Where(e => e.DeviceId == "retry").ElementAt(2);
        var kept = scenario.SessionEventOf("retry", 1);
        scenario.SessionEvents.Add(kept with { Source = retried.Source, Offset = 1000 });
        // Written late, the retry also breaks the session's output order and its summary's count.
        AssertViolations(scenario.Verify(), "retry-not-dropped", "output-order", "summary-mismatch");
    }

    [Fact]
    public void An_input_line_that_never_reached_kafka_is_found()
    {
        var scenario = EveryRule();
        scenario.Lines.Add(new Segmenter.Cli.EventLine(99, "complete", new Envelope(Pressure, VerifierScenario.T0.AddSeconds(1), 9)));
        AssertViolations(scenario.Verify(), "input-not-in-events");
    }

    [Fact]
    public void Session_rules_are_checked_on_the_close_reasons()
    {
        var scenario = EveryRule();
        // "gap" timed out (10 s between its events); claiming it was superseded breaks rule 1.
        var index = scenario.Summaries.IndexOf(scenario.SummaryOf("gap"));
        scenario.Summaries[index] = scenario.Summaries[index] with { Summary = scenario.Summaries[index].Summary with { Reason = CloseReason.Superseded } };
        AssertViolations(scenario.Verify(), "superseded-without-wake-up");
    }

    [Fact]
    public void Events_of_two_sessions_merged_into_one_break_the_session_rules()
    {
        var scenario = EveryRule();
        var first = scenario.SessionEventOf("supersede", 0).Key;
        for (var i = 0; i < scenario.SessionEvents.Count; i++)
        {
            if (scenario.SessionEvents[i].Key.Device.Id == "supersede")
                scenario.SessionEvents[i] = scenario.SessionEvents[i] with { Key = first };
        }

        scenario.Summaries.RemoveAll(s => s.Summary.DeviceId == "supersede" && s.Summary.SessionId != first.SessionId);
        // The remaining summary still says Superseded, with no later session to supersede it.
        AssertViolations(scenario.Verify(), "wake-up-inside-session", "summary-mismatch", "superseded-without-next");
    }

    [Fact]
    public void A_timeout_in_processing_time_is_a_warning_not_a_violation()
    {
        var scenario = new VerifierScenario()
            .Send("slow", DeviceWokeUp.Instance, 0).Wait(5).Send("slow", DeviceWokeUp.Instance, 1).End();
        var report = scenario.Verify();
        Assert.True(report.Passed, string.Join("\n", report.Violations));
        Assert.Equal("timed-out-in-processing-time", Assert.Single(report.Warnings).Check);
    }

    [Fact]
    public void With_strict_timeouts_a_session_split_by_a_processing_time_timeout_is_a_violation()
    {
        var scenario = new VerifierScenario()
            .Send("slow", DeviceWokeUp.Instance, 0).Wait(5).Send("slow", Pressure, 1).End();
        var report = scenario.Verify(VerificationRules.Defaults with { StrictTimeouts = true });
        Assert.False(report.Passed);
        Assert.Equal("timed-out-in-processing-time", Assert.Single(report.Violations).Check);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Max_duration_is_checked_against_the_given_limit()
    {
        var options = new SegmentationOptions { MaxSessionDuration = TimeSpan.FromSeconds(10) };
        var scenario = new VerifierScenario(options);
        for (var t = 0; t <= 12; t += 2)
            scenario.Send("long", t == 0 ? DeviceWokeUp.Instance : Pressure, t);
        scenario.End();
        Assert.True(scenario.Verify().Passed);
        Assert.Equal(CloseReason.MaxDuration, scenario.SummaryOf("long").Summary.Reason);

        var unchecked_ = scenario.Verify(VerificationRules.Defaults);
        Assert.True(unchecked_.Passed);
        Assert.Equal("max-duration-unchecked", Assert.Single(unchecked_.Warnings).Check);

        AssertViolations(scenario.Verify(VerificationRules.Defaults with { MaxSessionDuration = TimeSpan.FromSeconds(20) }), "max-duration-early");
    }

    [Fact]
    public void Output_of_devices_outside_the_input_is_ignored()
    {
        var scenario = EveryRule();
        var report = ContractVerifier.Verify(scenario.Input() with { Lines = [.. scenario.Lines.Where(l => l.DeviceId == "late")] }, VerificationRules.Defaults);
        Assert.True(report.Passed, string.Join("\n", report.Violations));
        Assert.Contains(report.Counts, c => c.Label == "events" && c.Figures.Contains("17 records of other devices ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void An_undecodable_output_record_is_a_violation()
    {
        var scenario = EveryRule();
        var report = ContractVerifier.Verify(scenario.Input() with { UndecodableOutputs = [new UndecodableRecord("sessions", 0, 7, "NotAvro", "bad bytes")] }, VerificationRules.Defaults);
        AssertViolations(report, "undecodable-output");
    }

    private static void AssertViolations(VerificationReport report, params string[] checks)
    {
        Assert.False(report.Passed);
        Assert.Equal(checks.Order(StringComparer.Ordinal), report.Violations.Select(v => v.Check).Distinct().Order(StringComparer.Ordinal));
    }
}
