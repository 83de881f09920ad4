using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// Key and value are UTF-8 text; the key is the stream key. The value can make the decoder misbehave, as decoders do:
/// "poison..." is reported as poison; "throw..." throws an <see cref="InvalidOperationException"/>; "cancelled..." throws
/// an <see cref="OperationCanceledException"/> of its own (as an HTTP timeout does); "defer-N..." throws
/// <see cref="KafkaDecodeDeferredException"/> the first N times the record is decoded.
/// </summary>
internal sealed class Utf8TestDecoder(string run, string streamNamespace) : IKafkaRecordDecoder
{
    private static readonly ConcurrentDictionary<(string Run, int Partition, long Offset), ConcurrentQueue<long>> Attempts = new();

    /// <summary>How many times a record of <paramref name="run"/> was decoded.</summary>
    public static int AttemptsAt(string run, int partition, long offset) => AttemptTimes(run, partition, offset).Count;

    /// <summary>When each decode of a record started (<see cref="System.Diagnostics.Stopwatch"/> timestamps), in order.</summary>
    public static IReadOnlyList<long> AttemptTimes(string run, int partition, long offset) =>
        Attempts.TryGetValue((run, partition, offset), out var times) ? [.. times] : [];

    public ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        var times = Attempts.GetOrAdd((run, record.Partition.Value, record.Offset.Value), _ => new());
        times.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
        var attempt = times.Count;
        var value = Encoding.UTF8.GetString(record.Message.Value ?? []);
        if (record.Message.Key is null)
            return ValueTask.FromResult(KafkaDecodeResult.Poison("Missing", "The record has no key."));
        if (value.StartsWith("poison", StringComparison.Ordinal))
            return ValueTask.FromResult(KafkaDecodeResult.Poison("TestPoison", $"'{Shown(value)}' is not a test event."));
        if (value.StartsWith("throw", StringComparison.Ordinal))
            throw new InvalidOperationException($"The test decoder cannot read '{value}'.");
        if (value.StartsWith("cancelled", StringComparison.Ordinal))
            throw new OperationCanceledException($"The test decoder gave up on '{value}'.");
        if (value.StartsWith("defer-", StringComparison.Ordinal) && attempt <= int.Parse(value.AsSpan(6, 1), CultureInfo.InvariantCulture))
            throw new KafkaDecodeDeferredException($"'{value}' cannot be decoded yet (attempt {attempt}).");

        var key = Encoding.UTF8.GetString(record.Message.Key);
        return ValueTask.FromResult(KafkaDecodeResult.Decoded(
            StreamId.Create(streamNamespace, key),
            new TestEvent(run, key, value, record.Partition.Value, record.Offset.Value)));
    }

    private static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
