using Segmenter.Partitions;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

/// <summary>
/// Edge cases found by mutation testing the engine: each pins a behaviour no other test observed (counters, clocks,
/// event time versus arrival time, clones, option validation, positions on other partitions).
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class EngineEdgeCaseTests
{
    private static DateTimeOffset At(double s) => EngineScript.At(s);

    [Fact]
    public void Max_duration_counts_from_the_first_event_time_not_its_arrival()
    {
        var script = new EngineScript(new SegmentationOptions { MaxSessionDuration = TimeSpan.FromSeconds(10) });
        Assert.Equal("AAAAB", script.Run("W@0~2 D@3~3.1 D@6~6.1 D@9~9.1 D@10.5~10.6"));
        Assert.Equal("A:MaxDuration", script.Closed());
    }

    [Fact]
    public void Summary_times_are_event_times_not_arrivals()
    {
        var script = new EngineScript();
        script.Run("W@10~12 C@11~13");
        Assert.Equal(At(10), script.Summary('A').Started);
        Assert.Equal(At(11), script.Summary('A').Ended);
    }

    [Fact]
    public void Drop_counters_in_output_and_state()
    {
        var segmenter = new SessionSegmenter(new SegmentationOptions());
        var state = new DeviceState { DeviceId = "d" };
        var output = new SegmentationOutput();
        var wake = new IncomingEvent(new Envelope(DeviceWokeUp.Instance, At(0), 1), new SourcePosition(0, 0), At(0));
        Assert.Equal(ApplyOutcome.Accepted, segmenter.Apply(state, wake, output));
        Assert.Equal(ApplyOutcome.RedeliveryDropped, segmenter.Apply(state, wake, output));
        Assert.Equal(ApplyOutcome.DuplicateDropped, segmenter.Apply(state, wake with { Position = new SourcePosition(0, 1) }, output));
        Assert.Equal(1, output.RedeliveriesDropped);
        Assert.Equal(1, output.DuplicatesDropped);
        Assert.Equal(1, state.RedeliveriesDropped);
        Assert.Equal(1, state.DuplicatesDropped);
    }

    [Fact]
    public void Inactivity_deadline_counts_from_the_last_arrival()
    {
        var script = new EngineScript();
        script.Run("W@0 D@1~3");
        Assert.Equal(At(7), new SessionSegmenter(new SegmentationOptions()).Deadlines(script.State).ArrivalDeadline);
    }

    [Fact]
    public void Session_ids_do_not_depend_on_arrival_time()
    {
        var first = new EngineScript();
        var replay = new EngineScript();
        first.Run("W@0 D@1 W@2 C@3");
        replay.Run("W@0~30 D@1~31 W@2~32 C@3~33");
        Assert.Equal(first.Events.Select(e => e.Key), replay.Events.Select(e => e.Key));
        Assert.Equal(first.Summaries, replay.Summaries);
    }

    [Fact]
    public void Later_changes_to_the_options_do_not_affect_the_engine()
    {
        var options = new SegmentationOptions();
        var script = new EngineScript(options);
        options.InactivityTimeout = TimeSpan.FromSeconds(1);
        Assert.Equal("AB", script.Run("W@0 W@2"));
        Assert.Equal("A:Superseded", script.Closed());
    }

    [Fact]
    public void Mean_is_the_arithmetic_mean()
    {
        var script = new EngineScript();
        script.Run("W@0 D(p=1)@1 D(p=2)@2 D(p=6)@3 C@4");
        Assert.Equal(new MetricSummary(Count: 3, Min: 1, Max: 6, Mean: 3, Last: 6), script.Summary('A').Metrics["p"]);
    }

    [Fact]
    public void An_epoch_record_timestamp_counts_as_absent()
    {
        var incoming = new IncomingEvent(new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch), default, At(50), DateTimeOffset.UnixEpoch);
        Assert.Equal(At(50), incoming.EventTime);
    }

    [Fact]
    public void A_cloned_open_session_keeps_its_inactivity_clock()
    {
        var segmenter = new SessionSegmenter(new SegmentationOptions());
        var script = new EngineScript();
        script.Run("W@0 D@1~3");
        var clone = script.State.Copy();
        Assert.Equal(At(7), segmenter.Deadlines(clone).ArrivalDeadline);
        Assert.False(segmenter.CloseIfInactive(clone, new PartitionClock(null, At(5)), At(5), new SegmentationOutput()));
    }

    [Fact]
    public void A_cloned_device_state_keeps_purge_clock_and_counters()
    {
        var options = new SegmentationOptions { PurgeAfter = TimeSpan.FromSeconds(10) };
        var script = new EngineScript(options);
        Assert.Equal("AxrA", script.Run("W@0#1 D@1#1 ^1 C@2~3#2"));
        var clone = script.State.Copy();
        Assert.Equal(At(13), new SessionSegmenter(options).Deadlines(clone).PurgeDue);
        Assert.Equal(1, clone.DuplicatesDropped);
        Assert.Equal(1, clone.RedeliveriesDropped);
    }

    [Theory]
    [InlineData(4, 0.0, 300, "MaxSessionDuration")]
    public void Zero_max_duration_is_refused(double timeoutSeconds, double? maxSeconds, double purgeSeconds, string setting)
    {
        var options = new SegmentationOptions
        {
            InactivityTimeout = TimeSpan.FromSeconds(timeoutSeconds),
            MaxSessionDuration = maxSeconds is { } m ? TimeSpan.FromSeconds(m) : null,
            PurgeAfter = TimeSpan.FromSeconds(purgeSeconds),
        };
        var error = Assert.Throws<ArgumentException>(() => new SessionSegmenter(options));
        Assert.Contains($"Segmentation:{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_metric_names_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SessionSegmenter(new SegmentationOptions { MaxMetricNamesPerSession = 0 }));
        Assert.Contains("Segmentation:MaxMetricNamesPerSession", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_from_another_partition_is_not_a_redelivery()
    {
        var segmenter = new SessionSegmenter(new SegmentationOptions());
        var state = new DeviceState { DeviceId = "d" };
        var output = new SegmentationOutput();
        Assert.Equal(ApplyOutcome.Accepted, segmenter.Apply(state, new IncomingEvent(new Envelope(DeviceWokeUp.Instance, At(0)), new SourcePosition(1, 5), At(0)), output));
        Assert.Equal(ApplyOutcome.Accepted, segmenter.Apply(state, new IncomingEvent(new Envelope(new DataReceived("p", 1), At(1)), new SourcePosition(0, 0), At(1)), output));
        Assert.Equal(2, output.Events.Count);
    }
}
