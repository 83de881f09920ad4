using Segmenter.Grains.Persistence;
using Segmenter.Tests.Infrastructure;
using StackExchange.Redis;

namespace Segmenter.Tests.Grains;

/// <summary>
/// Group commit of device state: requests from many grains share a round trip when they come together, each keeps
/// its own result (an etag conflict fails one write, not its batch), and a batch that fails as a whole fails each of
/// its requests with the same exception.
/// </summary>
public sealed class GroupCommitTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_request_alone_is_sent_at_once_and_requests_that_come_while_a_batch_is_out_leave_together()
    {
        using var batcher = new GatedBatcher(maxInFlight: 1);
        var first = batcher.SubmitAsync(1);
        Assert.Equal([[1]], batcher.Sent); // nothing to wait for: sent at once, alone

        var later = Enumerable.Range(2, 10).Select(batcher.SubmitAsync).ToList();
        Assert.Single(batcher.Sent); // the one batch allowed out is still out

        batcher.Release();
        Assert.Equal(10, await first);
        Assert.Equal(Enumerable.Range(2, 10).Select(i => i * 10), await Task.WhenAll(later));
        Assert.Equal([[1], [.. Enumerable.Range(2, 10)]], batcher.Sent);
    }

    [Fact]
    public async Task A_failed_request_fails_alone_and_a_failed_round_trip_fails_each_of_its_requests()
    {
        using var batcher = new GatedBatcher(maxInFlight: 1, failing: 3);
        var blocker = batcher.SubmitAsync(1);
        var batch = Enumerable.Range(2, 3).Select(batcher.SubmitAsync).ToList();
        batcher.Release();
        await blocker;
        Assert.Equal(20, await batch[0]);
        Assert.Equal("request 3 refused", (await Assert.ThrowsAsync<InvalidOperationException>(() => batch[1])).Message);
        Assert.Equal(40, await batch[2]);

        batcher.FailNextRoundTrip = new RedisConnectionException(ConnectionFailureType.SocketFailure, "down (test)");
        var outage = Enumerable.Range(5, 2).Select(batcher.SubmitAsync).ToList();
        batcher.Release();
        foreach (var request in outage)
            Assert.Same(batcher.FailNextRoundTrip, await Assert.ThrowsAsync<RedisConnectionException>(() => request));
    }

    [Fact]
    public async Task One_script_writes_many_states_each_with_its_own_etag_check_and_index_entry()
    {
        var keys = new DeviceStoreKeys($"gc{Guid.NewGuid():N}"[..12], "events");
        await using var connection = new RedisConnection(redis.ConnectionString);
        var writes = new StateWriteBatcher(connection);
        var db = redis.Database;
        await db.HashSetAsync(keys.State("taken"), [new("etag", "someone-else"), new("data", "x")]);

        StateWrite Write(string device, string expected, double? arrival) => new(
            [keys.State(device), keys.StreamDeadlines(3), keys.ArrivalDeadlines(3), keys.PurgeDue(3)],
            expected, $"{device}-v2", [1, 2, 3], device, 41,
            [arrival is { } a ? a - 1 : RedisValue.EmptyString, arrival is { } b ? b : RedisValue.EmptyString, arrival is null ? 99 : RedisValue.EmptyString]);

        // Submitted together: they share round trips as they come, each with its own check and result.
        var all = new[] { Write("open", "", 1_000), Write("taken", "mine", 2_000), Write("idle", "", null), Write("other-open", "", 3_000) }
            .Select(writes.SubmitAsync).ToList();
        var written = await Task.WhenAll(all);
        Assert.Equal([true, false, true, true], written);

        Assert.Equal("open-v2", (string?)await db.HashGetAsync(keys.State("open"), "etag"));
        Assert.Equal(41, (long)await db.HashGetAsync(keys.State("open"), "pos"));
        Assert.Equal("someone-else", (string?)await db.HashGetAsync(keys.State("taken"), "etag")); // refused: untouched
        Assert.Equal(1_000, await db.SortedSetScoreAsync(keys.ArrivalDeadlines(3), "open"));
        Assert.Equal(999, await db.SortedSetScoreAsync(keys.StreamDeadlines(3), "open"));
        Assert.Null(await db.SortedSetScoreAsync(keys.ArrivalDeadlines(3), "taken"));
        Assert.Null(await db.SortedSetScoreAsync(keys.ArrivalDeadlines(3), "idle"));
        Assert.Equal(99, await db.SortedSetScoreAsync(keys.PurgeDue(3), "idle"));
        Assert.Equal(3_000, await db.SortedSetScoreAsync(keys.ArrivalDeadlines(3), "other-open"));

        // A session that closes leaves the deadline sets and enters the purge set, in the same script.
        Assert.True(await writes.SubmitAsync(Write("open", "open-v2", null) with { NewETag = "open-v3" }));
        Assert.Null(await db.SortedSetScoreAsync(keys.ArrivalDeadlines(3), "open"));
        Assert.Null(await db.SortedSetScoreAsync(keys.StreamDeadlines(3), "open"));
        Assert.Equal(99, await db.SortedSetScoreAsync(keys.PurgeDue(3), "open"));
    }

    [Fact]
    public async Task One_script_reads_many_states_and_names_the_missing_ones()
    {
        var keys = new DeviceStoreKeys($"gr{Guid.NewGuid():N}"[..12], "events");
        await using var connection = new RedisConnection(redis.ConnectionString);
        var reads = new StateReadBatcher(connection);
        await redis.Database.HashSetAsync(keys.State("known"), [new("etag", "e1"), new("data", new byte[] { 7, 8 })]);

        var results = await Task.WhenAll(reads.SubmitAsync(keys.State("known")), reads.SubmitAsync(keys.State("unknown")));

        Assert.Equal("e1", (string?)results[0].ETag);
        Assert.Equal(new byte[] { 7, 8 }, (byte[]?)results[0].Data);
        Assert.True(results[1].ETag.IsNull && results[1].Data.IsNull);
    }

    /// <summary>Doubles its requests; holds each round trip until released, and records what each one carried.</summary>
    private sealed class GatedBatcher(int maxInFlight, int? failing = null) : RoundTripBatcher<int, int>, IDisposable
    {
        private readonly SemaphoreSlim _gate = new(0);

        public void Dispose() => _gate.Dispose();

        public List<int[]> Sent { get; } = [];

        public Exception? FailNextRoundTrip { get; set; }

        protected override int MaxInFlight => maxInFlight;

        public void Release() => _gate.Release(100);

        protected override async Task<IReadOnlyList<Outcome>> ExecuteAsync(IReadOnlyList<int> requests)
        {
            lock (Sent)
                Sent.Add([.. requests]);
            await _gate.WaitAsync();
            if (FailNextRoundTrip is { } error)
                throw error;
            return [.. requests.Select(r => r == failing ? new Outcome(0, new InvalidOperationException($"request {r} refused")) : Succeeded(r * 10))];
        }
    }
}
