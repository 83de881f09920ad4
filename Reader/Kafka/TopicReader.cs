using Confluent.Kafka;
using Segmenter.Cli;

namespace Segmenter.Reader.Kafka;

/// <summary>
/// Reads whole topics (every partition, assigned by hand) without a consumer group's rebalancing and without committing
/// anything: the reader is an observer and must never move the offsets of the silo or of another reader.
/// </summary>
internal sealed class TopicReader(ConnectionSettings connection)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Calls <paramref name="onRecord"/> for each record of <paramref name="topics"/> in the order read (in order within
    /// a partition), until the settings say stop or <paramref name="cancellationToken"/> is cancelled (then it returns
    /// normally: Ctrl+C is how a follow ends).
    /// </summary>
    public async Task<long> ReadAsync(IReadOnlyList<string> topics, ReadSettings settings,
        Func<ConsumeResult<byte[], byte[]>, Task> onRecord, CancellationToken cancellationToken)
    {
        var partitions = topics.SelectMany(PartitionsOf).ToList();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(connection.Kafka(new ConsumerConfig
        {
            GroupId = $"segmenter-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = settings.FromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
        })).SetLogHandler((_, _) => { }).Build();

        // What is there now: the idle clock starts only once that is read, so a slow first fetch is not "idle".
        var startEnds = settings.FromBeginning
            ? partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, connection.ConnectTimeout).High.Value)
            : partitions.ToDictionary(p => p, _ => 0L);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, settings.FromBeginning ? Offset.Beginning : Offset.End)));

        var read = 0L;
        var lastActivity = DateTime.UtcNow;
        var caughtUp = startEnds.Values.All(end => end == 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            var record = await Task.Run(() => consumer.Consume(Poll), CancellationToken.None);
            if (record is { IsPartitionEOF: false })
            {
                await onRecord(record);
                read++;
                lastActivity = DateTime.UtcNow;
                if (settings.Max is { } max && read >= max)
                    break;
                continue;
            }

            if (!caughtUp)
            {
                caughtUp = startEnds.All(p => p.Value == 0 || consumer.Position(p.Key).Value >= p.Value);
                if (caughtUp)
                    lastActivity = DateTime.UtcNow;
            }
            else if (settings.ExitWhenIdle is { } idle && DateTime.UtcNow - lastActivity >= idle)
            {
                break;
            }
        }

        consumer.Close();
        return read;
    }

    /// <summary>Every partition of a topic, from the broker's metadata; a topic that does not exist is an error (exit 1).</summary>
    public IReadOnlyList<TopicPartition> PartitionsOf(string topic)
    {
        var config = connection.Kafka(new AdminClientConfig());
        config.Set("allow.auto.create.topics", "false"); // a reader that asks about a misspelt topic must not create it
        using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(topic, connection.ConnectTimeout);
        }
        catch (KafkaException e)
        {
            throw CommandFailedException.Unreachable($"Cannot read the metadata of topic {topic} from Kafka at {connection.BootstrapServers}: {connection.Redact(e.Error.Reason)}", e);
        }

        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.IsError || found.Partitions.Count == 0)
            throw new CommandFailedException($"Topic {topic} does not exist on {connection.BootstrapServers}"
                + (found?.Error.IsError == true ? $" ({connection.Redact(found.Error.Reason)})." : "."));
        return [.. found.Partitions.OrderBy(p => p.PartitionId).Select(p => new TopicPartition(topic, p.PartitionId))];
    }
}
