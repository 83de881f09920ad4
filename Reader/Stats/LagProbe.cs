using System.Globalization;
using Confluent.Kafka;
using Segmenter.Cli;

namespace Segmenter.Reader.Stats;

/// <summary>
/// Lag figures for the stats line: the silo's (records of the input topic not yet committed by its consumer group) and
/// the reader's own (records of the output topics not yet read). Looks only: it never joins the silo's group nor commits.
/// </summary>
internal sealed class LagProbe(ConnectionSettings connection, string group, IReadOnlyList<TopicPartition> input) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // A consumer that carries the silo's group id only to ask for its committed offsets; it never subscribes.
    private readonly IConsumer<byte[], byte[]> _consumer = new ConsumerBuilder<byte[], byte[]>(connection.Kafka(new ConsumerConfig
    {
        GroupId = group,
        EnableAutoCommit = false,
    })).SetLogHandler((_, _) => { }).Build();

    /// <summary>The silo group's lag on the input topic: "n/a" when it has committed nothing there, "?" when Kafka did not answer in time.</summary>
    public string SegmenterLag() => Describe(() =>
    {
        var committed = _consumer.Committed(input, Timeout);
        if (committed.All(c => c.Offset.Value < 0))
            return null;
        return committed.Sum(c =>
        {
            var end = _consumer.QueryWatermarkOffsets(c.TopicPartition, Timeout);
            return end.High.Value - (c.Offset.Value >= 0 ? c.Offset.Value : end.Low.Value);
        });
    });

    /// <summary>The end (next offset to be written) of a partition.</summary>
    public long EndOf(TopicPartition partition) => _consumer.QueryWatermarkOffsets(partition, Timeout).High.Value;

    /// <summary>How far the reader is behind the ends of the partitions it reads ("?" when Kafka did not answer in time).</summary>
    public string ReaderLag(IReadOnlyDictionary<TopicPartition, long> nextToRead) =>
        Describe(() => nextToRead.Sum(p => Math.Max(0, _consumer.QueryWatermarkOffsets(p.Key, Timeout).High.Value - p.Value)));

    public void Dispose() => _consumer.Dispose();

    /// <summary>A figure for the stats line; a slow broker costs one figure, never the whole stats run.</summary>
    private static string Describe(Func<long?> query)
    {
        try
        {
            return query() is { } lag ? lag.ToString("N0", CultureInfo.InvariantCulture) : "n/a";
        }
        catch (KafkaException)
        {
            return "?";
        }
    }
}
