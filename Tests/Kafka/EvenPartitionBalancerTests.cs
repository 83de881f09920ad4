using System.Net;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Handover;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The provider's partition balance: every silo an equal share (counts differ by at most one), each partition read by
/// exactly one silo, and every silo computing the same split from the same members in whatever order it learnt them.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class EvenPartitionBalancerTests
{
    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    [InlineData(4, 3)]
    [InlineData(8, 3)]
    [InlineData(3, 5)]
    [InlineData(32, 7)]
    public void Every_partition_has_one_reader_and_the_shares_differ_by_at_most_one(int partitions, int silos)
    {
        var queues = Queues(partitions);
        var members = Silos(silos);
        var ordered = EvenPartitionBalancer.Ordered(members);

        var shares = members.Select(s => EvenPartitionBalancer.ShareOf(s, ordered, queues)).ToList();

        Assert.Equal(queues.OrderBy(q => q.GetNumericId()), shares.SelectMany(s => s).OrderBy(q => q.GetNumericId()));
        var counts = shares.Select(s => s.Count).ToList();
        Assert.Equal(partitions / silos + (partitions % silos == 0 ? 0 : 1), counts.Max());
        Assert.Equal(partitions / silos, counts.Min());
    }

    [Fact]
    public void Two_silos_each_read_two_of_four_partitions_whatever_their_addresses()
    {
        // The consistent ring gives one of two silos all four partitions about one start in eight; here never.
        var queues = Queues(4);
        for (var generation = 1; generation <= 200; generation++)
        {
            SiloAddress[] members = [Silo(11111, generation), Silo(11112, generation * 7919)];
            var ordered = EvenPartitionBalancer.Ordered(members);
            Assert.All(members, s => Assert.Equal(2, EvenPartitionBalancer.ShareOf(s, ordered, queues).Count));
        }
    }

    [Fact]
    public void Every_silo_computes_the_same_split_from_members_learnt_in_any_order()
    {
        var queues = Queues(10);
        var members = Silos(3);
        var reversed = EvenPartitionBalancer.Ordered(members.Reverse());
        var repeated = EvenPartitionBalancer.Ordered([.. members, members[1], members[0]]);

        Assert.Equal(EvenPartitionBalancer.Ordered(members), reversed);
        Assert.Equal(reversed, repeated);
        Assert.All(members, s => Assert.Equal(
            EvenPartitionBalancer.ShareOf(s, reversed, queues), EvenPartitionBalancer.ShareOf(s, repeated, queues)));
    }

    [Fact]
    public void A_silo_outside_the_members_reads_nothing()
    {
        var ordered = EvenPartitionBalancer.Ordered(Silos(2));
        Assert.Empty(EvenPartitionBalancer.ShareOf(Silo(22222, 1), ordered, Queues(4)));
        Assert.Empty(EvenPartitionBalancer.ShareOf(Silo(22222, 1), [], Queues(4)));
    }

    private static QueueId[] Queues(int count) =>
        [.. Enumerable.Range(0, count).Select(i => QueueId.GetQueueId("kafka-events", (uint)i, (uint)(((ulong)i << 32) / (ulong)count)))];

    private static SiloAddress[] Silos(int count) => [.. Enumerable.Range(0, count).Select(i => Silo(11111 + i, 1000 + i))];

    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);
}
