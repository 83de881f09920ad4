using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Partitions;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

/// <summary>
/// Rule 4 and the purge as a table: the device's state, what its partition confirmed, and the processing time decide.
/// Times are seconds after <see cref="EngineScript.Base"/>; the timeout is 4 s and the purge 60 s.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DeadlineDecisionTests
{
    private static readonly SegmentationOptions Options = new() { InactivityTimeout = TimeSpan.FromSeconds(4), PurgeAfter = TimeSpan.FromSeconds(60) };
    private static readonly SessionSegmenter Segmenter = new(Options);

    private static DateTimeOffset At(double seconds) => EngineScript.At(seconds);

    /// <summary>A device whose session opened by an event at event time 0 that arrived at processing time 10, offset 5.</summary>
    private static DeviceState OpenSession()
    {
        var state = new DeviceState { DeviceId = "d" };
        Segmenter.Apply(state, new IncomingEvent(new Envelope(DeviceWokeUp.Instance, At(0)), new SourcePosition(0, 5), At(10)), new SegmentationOutput());
        return state;
    }

    /// <summary>The same device after its session completed (last record offset 6, arrived at 11).</summary>
    private static DeviceState ClosedSession()
    {
        var state = OpenSession();
        Segmenter.Apply(state, new IncomingEvent(new Envelope(AllDataReceived.Instance, At(1)), new SourcePosition(0, 6), At(11)), new SegmentationOutput());
        return state;
    }

    public static TheoryData<string, double?, double?, long, double, DeadlineVerdict, double?> Table() => new()
    {
        // state, stream time, caught up at, committed, now => verdict, due
        { "open", null, null, -1, 12, DeadlineVerdict.NotDue, 14 },                     // nothing due yet
        { "open", 100, 100, -1, 13.9, DeadlineVerdict.NotDue, 14 },                    // stream time alone never closes before the deadline
        { "open", null, null, -1, 20, DeadlineVerdict.WaitForCatchUp, 14 },             // processing deadline passed, never confirmed
        { "open", null, 13.9, -1, 20, DeadlineVerdict.WaitForCatchUp, 14 },             // confirmed only before the deadline
        { "open", null, 14, -1, 20, DeadlineVerdict.CloseNow, null },                   // confirmed at the deadline
        { "open", 1, 30, -1, 30, DeadlineVerdict.CloseNow, null },                      // confirmed after it
        { "open", 3.9, null, -1, 20, DeadlineVerdict.WaitForCatchUp, 14 },              // backlog: stream time within the timeout
        { "open", 4.0, 13, -1, 20, DeadlineVerdict.WaitForCatchUp, 14 },                // exactly the timeout is within
        { "open", 4.1, null, -1, 20, DeadlineVerdict.CloseNow, null },                  // backlog: stream time passed the event deadline
        { "closed", null, 1_000, 100, 70, DeadlineVerdict.WaitForPurge, 71 },           // silent 59 s
        { "closed", null, 1_000, 100, 71, DeadlineVerdict.Purge, null },                // silent 60 s, committed past offset 6
        { "closed", null, 1_000, 6, 500, DeadlineVerdict.WaitForPurge, 71 },            // offset 6 not committed: replayable
        { "closed", null, 1_000, 7, 500, DeadlineVerdict.Purge, null },
        { "closed", null, 1_000, -1, 500, DeadlineVerdict.WaitForPurge, 71 },           // commit unknown
        { "empty", 1_000, 1_000, 100, 1_000, DeadlineVerdict.Nothing, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides_from_state_partition_clock_and_now(string state, double? streamTime, double? caughtUpAt, long committed, double now, DeadlineVerdict verdict, double? due)
    {
        var device = state switch
        {
            "open" => OpenSession(),
            "closed" => ClosedSession(),
            _ => new DeviceState { DeviceId = "d" },
        };
        var clock = new PartitionClock(streamTime is { } s ? At(s) : null, caughtUpAt is { } c ? At(c) : null, committed);

        var decision = Segmenter.Decide(device, clock, At(now));

        Assert.Equal(verdict, decision.Verdict);
        Assert.Equal(due is { } d ? At(d) : null, decision.Due);
    }

    [Fact]
    public void Closing_applies_the_decision_and_nothing_else()
    {
        var waiting = OpenSession();
        var output = new SegmentationOutput();
        Assert.False(Segmenter.CloseIfInactive(waiting, new PartitionClock(null, At(13)), At(20), output));
        Assert.NotNull(waiting.Open);
        Assert.Empty(output.Summaries);

        Assert.True(Segmenter.CloseIfInactive(waiting, new PartitionClock(null, At(14)), At(20), output));
        Assert.Null(waiting.Open);
        var summary = Assert.Single(output.Summaries);
        Assert.Equal((CloseReason.TimedOut, At(0), 1L), (summary.Reason, summary.Ended, summary.EventCount));
    }

    [Fact]
    public void Deadlines_are_what_the_decision_waits_for()
    {
        Assert.Equal(new DeviceDeadlines(At(4), At(14), null), Segmenter.Deadlines(OpenSession()));
        Assert.Equal(new DeviceDeadlines(null, null, At(71)), Segmenter.Deadlines(ClosedSession()));
        Assert.Equal(default, Segmenter.Deadlines(new DeviceState { DeviceId = "d" }));
    }
}
