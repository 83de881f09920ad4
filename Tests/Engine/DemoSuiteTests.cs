using Segmenter.Partitions;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

/// <summary>The five cases of the demo's own test suite (SegmenterSpec), against the engine.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DemoSuiteTests
{
    [Fact]
    public void Forwards_device_events()
    {
        var script = new EngineScript(deviceId: "device-1");
        script.Run("W@0");

        var record = Assert.Single(script.Events);
        Assert.Equal("device-1", record.Key.Device.Id);
        Assert.Equal(script.State.Open!.SessionId, record.Key.SessionId);
        Assert.Equal(DeviceWokeUp.Instance, record.Envelope.Event);
    }

    [Fact]
    public void Maintains_the_session_key_within_a_session()
    {
        var script = new EngineScript();
        script.Run("W@0 D(temperature=5)@1");

        Assert.Equal(DeviceWokeUp.Instance, script.Events[0].Envelope.Event);
        Assert.Equal(new DataReceived("temperature", 5), script.Events[1].Envelope.Event);
        Assert.Equal(script.Events[0].Key, script.Events[1].Key);
    }

    [Fact]
    public void Creates_a_new_session_key_for_new_sessions()
    {
        var script = new EngineScript();
        script.Run("W@0 W@0.5 D(temperature=5)@1");

        Assert.NotEqual(script.Events[0].Key, script.Events[1].Key);
        Assert.Equal(script.Events[1].Key, script.Events[2].Key);
    }

    [Fact]
    public void The_closing_event_keeps_the_session_key()
    {
        var script = new EngineScript();
        script.Run("W@0 C@1");

        Assert.Equal(script.Events[0].Key, script.Events[1].Key);
    }

    [Fact]
    public void Stale_state_is_purged_after_the_timeout()
    {
        // The demo purged a session once stream time passed its timeout. Here the timeout closes the session
        // (rule 4) and the device's state is forgotten after PurgeAfter of silence.
        var options = new SegmentationOptions { InactivityTimeout = TimeSpan.FromSeconds(4), PurgeAfter = TimeSpan.FromSeconds(60) };
        var segmenter = new SessionSegmenter(options);
        var script = new EngineScript(options, "device-2");
        script.Run("W@0");
        Assert.NotNull(script.State.Open);

        var output = new SegmentationOutput();
        Assert.True(segmenter.CloseIfInactive(script.State, new PartitionClock(null, EngineScript.At(5)), EngineScript.At(5), output));
        Assert.Null(script.State.Open);
        Assert.Equal(CloseReason.TimedOut, Assert.Single(output.Summaries).Reason);

        var committed = new PartitionClock(null, null, CommittedUpTo: 1);
        Assert.Equal(DeadlineVerdict.WaitForPurge, segmenter.Decide(script.State, committed, EngineScript.At(59)).Verdict);
        Assert.Equal(DeadlineVerdict.Purge, segmenter.Decide(script.State, committed, EngineScript.At(60)).Verdict);
    }
}
