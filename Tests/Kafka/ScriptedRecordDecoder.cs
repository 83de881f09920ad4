using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Tests.Kafka;

/// <summary>What <see cref="ScriptedRecordDecoder"/> delivers for a record it decodes: the record's offset and value text.</summary>
internal sealed record ScriptedEvent(long Offset, string? Value);

/// <summary>
/// A decoder that answers per offset what the test scripted: poison, a deferral for the first N attempts, an exception,
/// or an event time. Every other record decodes to a <see cref="ScriptedEvent"/> on stream (<see cref="Namespace"/>,
/// key text), tombstones included. It records which offsets it was asked to decode, in order.
/// </summary>
internal sealed class ScriptedRecordDecoder : IKafkaRecordDecoder
{
    public const string Namespace = "ns";

    private readonly Dictionary<long, Func<ConsumeResult<byte[], byte[]>, int, KafkaDecodeResult>> _answers = [];
    private readonly List<long> _attempts = [];

    /// <summary>The offsets decoding was attempted at, in call order (a record retried appears again).</summary>
    public IReadOnlyList<long> Attempts => _attempts;

    public ScriptedRecordDecoder PoisonAt(long offset, string kind, string reason) =>
        Script(offset, (_, _) => KafkaDecodeResult.Poison(kind, reason));

    /// <summary>The first <paramref name="times"/> attempts at <paramref name="offset"/> throw <see cref="KafkaDecodeDeferredException"/>; later ones decode.</summary>
    public ScriptedRecordDecoder DeferAt(long offset, int times = int.MaxValue) =>
        Script(offset, (record, attempt) => attempt <= times ? throw new KafkaDecodeDeferredException($"offset {offset} not yet (attempt {attempt})") : Decode(record, null));

    public ScriptedRecordDecoder ThrowAt(long offset, Exception failure) => Script(offset, (_, _) => throw failure);

    public ScriptedRecordDecoder EventTimeAt(long offset, DateTimeOffset eventTime) => Script(offset, (record, _) => Decode(record, eventTime));

    public static StreamId Stream(string key) => StreamId.Create(Namespace, key);

    public ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        var offset = record.Offset.Value;
        _attempts.Add(offset);
        var attempt = _attempts.Count(o => o == offset);
        return ValueTask.FromResult(_answers.TryGetValue(offset, out var answer) ? answer(record, attempt) : Decode(record, null));
    }

    private static KafkaDecodeResult Decode(ConsumeResult<byte[], byte[]> record, DateTimeOffset? eventTime)
    {
        var message = record.Message;
        var value = message.Value is null ? null : Encoding.UTF8.GetString(message.Value);
        return KafkaDecodeResult.Decoded(Stream(Encoding.UTF8.GetString(message.Key ?? [])), new ScriptedEvent(record.Offset.Value, value), eventTime);
    }

    private ScriptedRecordDecoder Script(long offset, Func<ConsumeResult<byte[], byte[]>, int, KafkaDecodeResult> answer)
    {
        _answers[offset] = answer;
        return this;
    }
}

/// <summary>Records as the consumer hands them out, from partition 3 of topic "events".</summary>
internal static class ConsumedRecords
{
    public const int Partition = 3;

    /// <summary>A record at <paramref name="offset"/>; a null <paramref name="value"/> is a tombstone.</summary>
    public static ConsumeResult<byte[], byte[]> At(long offset, string key, string? value, Timestamp? timestamp = null) => new()
    {
        Topic = "events",
        Partition = Partition,
        Offset = offset,
        Message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(key),
            Value = value is null ? null! : Encoding.UTF8.GetBytes(value),
            Timestamp = timestamp ?? Timestamp.Default,
        },
    };
}
