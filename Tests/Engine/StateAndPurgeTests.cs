using Segmenter.Partitions;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class StateAndPurgeTests
{
    [Fact]
    public void An_open_session_is_never_purgeable()
    {
        var script = new EngineScript(new SegmentationOptions { PurgeAfter = TimeSpan.FromSeconds(10) });
        script.Run("W@0");
        var segmenter = new SessionSegmenter(new SegmentationOptions { PurgeAfter = TimeSpan.FromSeconds(10) });

        Assert.NotEqual(DeadlineVerdict.Purge, segmenter.Decide(script.State, new PartitionClock(null, null, CommittedUpTo: 100), EngineScript.At(1_000)).Verdict);
        Assert.Null(segmenter.Deadlines(script.State).PurgeDue);
        Assert.Equal(EngineScript.At(4), segmenter.Deadlines(script.State).ArrivalDeadline);
    }

    [Fact]
    public void Purge_deadline_counts_from_the_last_record_even_a_dropped_one()
    {
        var options = new SegmentationOptions { PurgeAfter = TimeSpan.FromSeconds(10) };
        var script = new EngineScript(options);
        script.Run("W@0#1 C@1#2 C@3#2");
        var segmenter = new SessionSegmenter(options);

        Assert.Equal(EngineScript.At(13), segmenter.Deadlines(script.State).PurgeDue);
        Assert.Null(segmenter.Deadlines(script.State).ArrivalDeadline);
    }

    [Fact]
    public void State_does_not_grow_with_past_sessions()
    {
        var script = new EngineScript();
        var steps = string.Join(' ', Enumerable.Range(0, 2_000).Select(i => $"W@{i * 10} D(m{i % 7}={i})@{i * 10 + 1} C@{i * 10 + 2}"));
        script.Run(steps);

        Assert.Equal(2_000, script.Summaries.Count);
        Assert.Null(script.State.Open);
        Assert.Equal(new SourcePosition(0, 5_999), script.State.LastPosition);
    }

    [Fact]
    public void Distinct_metric_names_per_session_are_bounded()
    {
        var options = new SegmentationOptions { MaxMetricNamesPerSession = 8 };
        var script = new EngineScript(options);
        script.Run("W@0 " + string.Join(' ', Enumerable.Range(0, 100).Select(i => $"D(name{i}=1)@1")) + " D(name3=5)@1");

        Assert.Equal(8, script.State.Open!.Metrics.Count);
        Assert.Equal(102, script.State.Open.EventCount);
        Assert.Equal(2, script.State.Open.Metrics["name3"].Count);
    }

    [Theory]
    [InlineData(0, null, 300, "InactivityTimeout")]
    [InlineData(4, -1.0, 300, "MaxSessionDuration")]
    [InlineData(4, null, 4, "PurgeAfter")]
    public void Invalid_options_are_refused_naming_the_setting(double timeoutSeconds, double? maxSeconds, double purgeSeconds, string setting)
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
}
