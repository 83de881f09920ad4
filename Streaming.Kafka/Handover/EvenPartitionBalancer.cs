using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka.Handover;

/// <summary>
/// The provider's queue balancer: every active silo reads an equal share of the partitions (the counts differ by at
/// most one). The silos are ordered by address, the same order on every silo, and partition i goes to silo i mod n.
/// </summary>
/// <remarks>
/// Orleans' default, the consistent-ring balancer, gives each silo the queues that fall in its random arcs of the hash
/// ring: fair for hundreds of queues, not for a topic's handful of partitions. With 4 partitions and 2 silos, one silo
/// reads all four about one start in eight, and the other reads nothing. An even share costs more partition moves when
/// a silo joins or leaves (about half of them instead of a fair fraction), each one a hand-over (final commit, release,
/// read from the committed offset), which is cheap next to a silo standing idle. A silo claims nothing until the
/// membership service reports active silos (a lone silo: until it is active itself); it counts itself in every report,
/// as its agents run only while it is up.
/// </remarks>
public sealed partial class EvenPartitionBalancer(IServiceProvider services, ILogger<EvenPartitionBalancer> logger)
    : QueueBalancerBase(services, logger)
{
    private readonly Lock _lock = new();
    private QueueId[] _queues = [];
    private SiloAddress[] _silos = [];

    /// <summary>The factory for <c>stream.ConfigurePartitionBalancing(EvenPartitionBalancer.Create)</c>.</summary>
    public static IStreamQueueBalancer Create(IServiceProvider services, string name) =>
        ActivatorUtilities.CreateInstance<EvenPartitionBalancer>(services);

    /// <summary>Takes the provider's queues, one per input partition, in the mapper's order.</summary>
    public override Task Initialize(IStreamQueueMapper queueMapper)
    {
        ArgumentNullException.ThrowIfNull(queueMapper);
        lock (_lock)
            _queues = [.. queueMapper.GetAllQueues()];
        return base.Initialize(queueMapper);
    }

    /// <summary>This silo's share under the latest membership snapshot (none before the first).</summary>
    public override IEnumerable<QueueId> GetMyQueues()
    {
        lock (_lock)
            return ShareOf(SiloAddress, _silos, _queues);
    }

    /// <summary>The active silos changed: recompute the order and tell the pulling agents' manager.</summary>
    protected override void OnClusterMembershipChange(HashSet<SiloAddress> activeSilos)
    {
        int count, mine;
        lock (_lock)
        {
            _silos = Ordered(activeSilos.Append(SiloAddress));
            count = _silos.Length;
            mine = ShareOf(SiloAddress, _silos, _queues).Count;
        }

        LogShare(Logger, SiloAddress, mine, count);
        _ = NotifyAsync(count);
    }

    private async Task NotifyAsync(int silos)
    {
        try
        {
            await NotifyListeners();
        }
        catch (Exception e)
        {
            // The pulling agents' manager did not take the new share: it applies at the next membership change.
            LogNotifyFailed(Logger, e, SiloAddress, silos);
        }
    }

    /// <summary>The silos in the order every silo sees them: by address (host, port, generation).</summary>
    internal static SiloAddress[] Ordered(IEnumerable<SiloAddress> silos) =>
        [.. silos.Distinct().OrderBy(s => s.ToParsableString(), StringComparer.Ordinal)];

    /// <summary>The queues of <paramref name="silo"/> among <paramref name="ordered"/> silos: queue i goes to silo i mod n.</summary>
    internal static IReadOnlyList<QueueId> ShareOf(SiloAddress silo, IReadOnlyList<SiloAddress> ordered, IReadOnlyList<QueueId> queues)
    {
        var index = -1;
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Equals(silo))
                index = i;
        }

        if (index < 0)
            return [];
        var share = new List<QueueId>();
        for (var q = index; q < queues.Count; q += ordered.Count)
            share.Add(queues[q]);
        return share;
    }

    [LoggerMessage(LogLevel.Information, "Partition balance: silo {Silo} reads {Partitions} partition queue(s) of this provider, one share of {Silos} active silo(s)", EventId = 1310)]
    private static partial void LogShare(ILogger logger, SiloAddress silo, int partitions, int silos);

    [LoggerMessage(LogLevel.Warning, "Partition balance: silo {Silo} could not apply its share of {Silos} active silo(s); it applies at the next membership change", EventId = 1311)]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, SiloAddress silo, int silos);
}
