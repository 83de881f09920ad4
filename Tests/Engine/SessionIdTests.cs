using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class SessionIdTests
{
    private const string Steps = "W@0 D@1 W@2 C@3 D@10 W@20 C@21";

    [Fact]
    public void The_same_input_yields_the_same_session_ids()
    {
        var first = new EngineScript();
        var second = new EngineScript();
        first.Run(Steps);
        second.Run(Steps);

        Assert.Equal(first.Events.Select(e => e.Key), second.Events.Select(e => e.Key));
        Assert.Equal(first.Summaries, second.Summaries);
    }

    [Fact]
    public void Ids_differ_between_devices_positions_and_times()
    {
        var at = EngineScript.At(0);
        var ids = new[]
        {
            SessionIds.For("device-1", new SourcePosition(0, 1), at),
            SessionIds.For("device-2", new SourcePosition(0, 1), at),
            SessionIds.For("device-1", new SourcePosition(1, 1), at),
            SessionIds.For("device-1", new SourcePosition(0, 2), at),
            SessionIds.For("device-1", new SourcePosition(0, 1), at.AddMilliseconds(1)),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(SessionIds.Length, id.Length));
        Assert.Equal(ids[0], SessionIds.For("device-1", new SourcePosition(0, 1), at));
    }

    [Fact]
    public void Ids_are_stable_across_versions()
    {
        // Pinned: changing the id function would break dedupe across an upgrade with a replay in flight.
        Assert.Equal("rv05pzqe8pxy", SessionIds.For("device-1", new SourcePosition(3, 42), EngineScript.At(0)));
    }

    [Fact]
    public void A_million_opening_positions_give_no_collision()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var offset = 0; offset < 1_000_000; offset++)
            Assert.True(ids.Add(SessionIds.For("device-1", new SourcePosition(0, offset), EngineScript.At(offset))));
    }
}
