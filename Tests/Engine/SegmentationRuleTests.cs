using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

/// <summary>
/// Every rule of SEGMENTATION.md as a table: a script of input steps (see <see cref="EngineScript"/>), the
/// session each step lands in, and the sessions closed with their reasons. Default options: timeout 4 s.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class SegmentationRuleTests
{
    public static TheoryData<string, string, string, string> Rules => new()
    {
        // rule, steps, session per step, closed sessions
        { "1: wake-up within the timeout supersedes the open session", "W@0 D@1 W@2", "AAB", "A:Superseded" },
        { "1: within means <= timeout (exactly 4 s still supersedes)", "W@0 W@4", "AB", "A:Superseded" },
        { "1: wake-up after the timeout closes the open session as timed out", "W@0 D@1 W@5.001", "AAB", "A:TimedOut" },
        { "1: within is measured from the session's latest event", "W@0 D@3 D@6 W@9", "AAAB", "A:Superseded" },
        { "2: data within the timeout joins the open session", "W@0 D@2 D@5 D@9", "AAAA", "" },
        { "2: data after the timeout opens a new session", "W@0 D@4.5", "AB", "A:TimedOut" },
        { "2: data with no open session opens one", "D@0 D@1", "AA", "" },
        { "2: data after a completed session opens a new one", "W@0 C@1 D@2", "AAB", "A:Completed" },
        { "3: closing event joins and completes the open session", "W@0 D@1 C@2", "AAA", "A:Completed" },
        { "3: closing event without a session is a completed session of its own", "C@0", "A", "A:Completed" },
        { "3: closing event after the timeout closes the stale one, then completes its own", "W@0 C@5", "AB", "A:TimedOut B:Completed" },
        { "3: two closing events make two sessions", "W@0 C@1 C@2", "AAB", "A:Completed B:Completed" },
        { "4: no close before the timeout (processing time)", "W@0 T@3.999", "A.", "" },
        { "4: close at the timeout with no next event", "W@0 T@4", "A.", "A:TimedOut" },
        { "4: inactivity counts from the last event's arrival, not its event time", "W@0 D@1~3 T@6.5 T@7", "AA..", "A:TimedOut" },
        { "4: a lagging partition judges by stream time: not yet", "W@0 D@1 L@5", "AA.", "" },
        { "4: a lagging partition judges by stream time: past", "W@0 D@1 L@5.001", "AA.", "A:TimedOut" },
        { "4: a check with no open session does nothing", "W@0 C@1 T@100", "AA.", "A:Completed" },
        { "6: a retry (same seq) is dropped", "W@0#1 D@1#2 D@1#2 C@2#3", "AAxA", "A:Completed" },
        { "6: a seq below the last accepted one is dropped", "W@0#5 D@1#3 D@2#6", "AxA", "" },
        { "6: events without seq are never retries", "W@0 D@1 D@1 C@2", "AAAA", "A:Completed" },
        { "6: a redelivered record is dropped by position", "W@0 D@1 ^2 C@2", "AArA", "A:Completed" },
        { "6: a redelivered record is dropped even with a seq", "W@0#1 D@1#2 ^1 ^2 C@2#3", "AArrA", "A:Completed" },
        { "6: a record delivered three times is accepted once", "W@0 ^1 ^1", "Arr", "" },
        { "6: a retry that is redelivered is dropped by position", "W@0#1 D@1#1 ^2", "Axr", "" },
        { "4: a lagging partition compares stream time with event time, not arrival", "W@0~100 D@1~101 L@5.001", "AA.", "A:TimedOut" },
        { "4: inactivity counts from the last event's arrival: not yet", "W@0 D@1~3 T@6.5", "AA.", "" },
        { "4: each event restarts the inactivity clock", "W@0 D@3 T@5", "AA.", "" },
        { "7: a late event joins the open session where it arrives", "W@0 D@3 D@1 C@4", "AAAA", "A:Completed" },
        { "7: a late event is within the timeout even far in the past", "W@100 D@1 C@101", "AAA", "A:Completed" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rule(string rule, string steps, string sessions, string closed)
    {
        var script = new EngineScript();

        Assert.True(sessions == script.Run(steps), $"rule {rule}: sessions per step were not {sessions}");
        Assert.Equal(closed, script.Closed());
    }

    public static TheoryData<string, string, string, string> MaxDurationRules => new()
    {
        { "5: a session longer than the limit is closed; the crossing event opens the next", "W@0 D@3 D@6 D@9 D@10.5", "AAAAB", "A:MaxDuration" },
        { "5: exactly the limit is not longer", "W@0 D@3 D@6 D@10", "AAAA", "" },
        { "5: a crossing closing event completes a session of its own", "W@0 D@4 D@8 C@11", "AAAB", "A:MaxDuration B:Completed" },
        { "5: a crossing wake-up closes by duration, not superseded", "W@0 D@4 D@8 W@11", "AAAB", "A:MaxDuration" },
        { "5: the timeout is judged before the duration", "W@0 D@3 D@12", "AAB", "A:TimedOut" },
    };

    [Theory]
    [MemberData(nameof(MaxDurationRules))]
    public void MaxDurationRule(string rule, string steps, string sessions, string closed)
    {
        var script = new EngineScript(new SegmentationOptions { MaxSessionDuration = TimeSpan.FromSeconds(10) });

        Assert.True(sessions == script.Run(steps), $"rule {rule}: sessions per step were not {sessions}");
        Assert.Equal(closed, script.Closed());
    }

    [Fact]
    public void Rule5_is_off_by_default()
    {
        var script = new EngineScript();

        Assert.Equal("AAAAAA", script.Run("W@0 D@4 D@8 D@12 D@16 D@20"));
        Assert.Empty(script.Summaries);
    }

    [Theory]
    [InlineData("D@0 T@10", true)]
    [InlineData("C@0", true)]
    [InlineData("W@0 D@5 T@20", true)]
    [InlineData("W@0 T@10", false)]
    [InlineData("W@0 C@1", false)]
    public void Summary_says_whether_the_session_started_without_wake_up(string steps, bool startedWithoutWakeUp)
    {
        var script = new EngineScript();
        script.Run(steps);

        Assert.Equal(startedWithoutWakeUp, script.Summaries[^1].StartedWithoutWakeUp);
    }

    [Fact]
    public void Summary_reports_times_counts_duplicates_and_out_of_order()
    {
        var script = new EngineScript();
        script.Run("W@10#1 D@12#2 D@11#3 D@12#3 D@13#4 ^5 C@14#5");

        var summary = script.Summary('A');
        Assert.Equal(EngineScript.At(10), summary.Started);
        Assert.Equal(EngineScript.At(14), summary.Ended);
        Assert.Equal(5, summary.EventCount);
        Assert.Equal(1, summary.DuplicatesDropped);
        Assert.Equal(1, summary.OutOfOrder);
        Assert.Equal(CloseReason.Completed, summary.Reason);
        Assert.Equal(1, script.State.RedeliveriesDropped);
    }

    [Fact]
    public void Summary_aggregates_each_metric_name()
    {
        var script = new EngineScript();
        script.Run("W@0 D(pressure=1)@1 D(temperature=20.5)@2 D(pressure=4)@3 D(pressure=-2)@4 C@5");

        var metrics = script.Summary('A').Metrics;
        Assert.Equal(["pressure", "temperature"], metrics.Keys);
        Assert.Equal(new MetricSummary(Count: 3, Min: -2, Max: 4, Mean: 1, Last: -2), metrics["pressure"]);
        Assert.Equal(new MetricSummary(1, 20.5, 20.5, 20.5, 20.5), metrics["temperature"]);
    }

    [Fact]
    public void Every_accepted_event_is_emitted_unchanged_under_its_session_key()
    {
        var script = new EngineScript(deviceId: "dev-42");
        script.Run("W@0#1 D(wind=3)@1#2 C@2#3");

        Assert.Equal(3, script.Events.Count);
        Assert.All(script.Events, e => Assert.Equal("dev-42", e.Key.Device.Id));
        Assert.Single(script.Events.Select(e => e.Key).Distinct());
        Assert.Equal(new DataReceived("wind", 3), script.Events[1].Envelope.Event);
        Assert.Equal(2L, script.Events[1].Envelope.Seq);
        Assert.Equal(new SourcePosition(0, 1), script.Events[1].Source);
    }

    [Fact]
    public void Event_time_falls_back_to_record_timestamp_then_arrival()
    {
        var arrival = EngineScript.At(50);
        var recorded = EngineScript.At(40);
        var withTimestamp = new IncomingEvent(new Envelope(DeviceWokeUp.Instance, EngineScript.At(30)), default, arrival, recorded);
        var withRecordTimestamp = withTimestamp with { Envelope = new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch) };
        var withNeither = withRecordTimestamp with { RecordTimestamp = null };

        Assert.Equal(EngineScript.At(30), withTimestamp.EventTime);
        Assert.Equal(recorded, withRecordTimestamp.EventTime);
        Assert.Equal(arrival, withNeither.EventTime);
    }
}
