using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Segmenter.Streaming.Kafka.Metrics;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>
/// Sends a record that cannot be decoded or delivered to the dead-letter topic: original key and value bytes, original
/// headers, and headers saying why and where it came from. Completes when the broker has it, so the source offset is
/// committed only after the record is safe in the dead-letter topic.
/// </summary>
/// <remarks>
/// <para>A dead letter gets the producer's own timestamp: the source's may be one no producer can write (a
/// <c>LogAppendTime</c>, which Confluent's client refuses with an <see cref="ArgumentException"/>) or one a broker refuses
/// (microseconds read as milliseconds: <c>InvalidTimestamp</c>). The original is kept in <c>dlq.source.timestamp</c>
/// (milliseconds) and <c>dlq.source.timestamp.type</c>.</para>
/// <para>A copy that can never be written would stop the partition for good if it were retried. A copy too large (the
/// producer's <c>message.max.bytes</c>, or the broker's limit) is written again without the bulk: the first
/// <see cref="KeptBytes"/> bytes of key and value, the original headers, <c>dlq.truncated</c> and the original sizes.
/// Any other refusal (an invalid record, a policy), or a truncated copy still refused, leads to the headers-only copy:
/// the <c>dlq.*</c> headers, an empty value (never null: on a compacted topic null deletes) and a key a compacted topic
/// accepts — the original key when it is small, else one made of the source position. Every shape carries the source
/// position, so the whole record can still be read from the input topic while retention keeps it. If even the
/// headers-only copy is refused, the record is given up on without a dead letter: logged as an error with its
/// position and counted (<c>kafka.stream.records.dead_letter_lost</c>).</para>
/// <para>Only errors that say "not now" propagate (<see cref="PassingKafkaErrors"/>: the broker is unreachable, the
/// queue is full; or the producer is closing): the caller keeps the record and retries it.</para>
/// </remarks>
internal sealed partial class DeadLetterPublisher(IRecordProducer producer, string topic, KafkaStreamMetrics metrics, ILogger logger)
{
    public const string ReasonHeader = "dlq.reason";
    public const string KindHeader = "dlq.kind";
    public const string SourceTopicHeader = "dlq.source.topic";
    public const string SourcePartitionHeader = "dlq.source.partition";
    public const string SourceOffsetHeader = "dlq.source.offset";
    public const string SourceTimestampHeader = "dlq.source.timestamp";
    public const string SourceTimestampTypeHeader = "dlq.source.timestamp.type";
    public const string TruncatedHeader = "dlq.truncated";
    public const string TruncatedReasonHeader = "dlq.truncated.reason";
    public const string OriginalKeyBytesHeader = "dlq.original.key.bytes";
    public const string OriginalValueBytesHeader = "dlq.original.value.bytes";
    public const string OriginalHeadersBytesHeader = "dlq.original.headers.bytes";

    /// <summary>How much of the key and of the value a truncated dead letter keeps: enough to see the framing and the start.</summary>
    public const int KeptBytes = 1024;

    private readonly ILogger _logger = logger;

    public string Topic => topic;

    /// <summary>
    /// Writes the record's dead letter in the first shape the broker takes. True when one was written (and counted as
    /// dead-lettered); false when none could be (logged as an error with the source position, counted as lost): either
    /// way the record is done with. Throws only for a passing failure, which the caller retries.
    /// </summary>
    public async Task<bool> PublishAsync(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        var refusal = await TryWriteAsync(Whole(record, kind, reason));
        if (refusal is null)
            return Written(record, kind);

        if (refusal.Value.TooLarge)
        {
            LogTruncating(record.Topic, record.Partition.Value, record.Offset.Value, Size(record.Message.Key), Size(record.Message.Value), refusal.Value.Reason, topic);
            var truncatedRefusal = await TryWriteAsync(Truncated(record, kind, reason, refusal.Value.Reason));
            if (truncatedRefusal is null)
                return Written(record, kind);
            refusal = truncatedRefusal;
        }

        LogHeadersOnly(record.Topic, record.Partition.Value, record.Offset.Value, refusal.Value.Reason, topic);
        var last = await TryWriteAsync(HeadersOnly(record, kind, reason, refusal.Value.Reason));
        if (last is null)
            return Written(record, kind);

        metrics.DeadLetterLost(record.Topic, kind);
        LogLost(record.Topic, record.Partition.Value, record.Offset.Value, kind, reason, topic, last.Value.Reason);
        return false;
    }

    private bool Written(ConsumeResult<byte[], byte[]> record, string kind)
    {
        metrics.DeadLettered(record.Topic, kind);
        return true;
    }

    /// <summary>Null when the broker has the record; the refusal when it can never take it; throws when it may later.</summary>
    private async Task<(bool TooLarge, string Reason)?> TryWriteAsync(Message<byte[], byte[]> message)
    {
        try
        {
            await producer.ProduceAllAsync([(topic, message)]);
            return null;
        }
        catch (KafkaException e) when (!PassingKafkaErrors.Contains(e.Error))
        {
            return (IsTooLarge(e.Error.Code), $"{e.Error.Code}: {e.Error.Reason}");
        }
        catch (Exception e) when (e is not (KafkaException or ObjectDisposedException or OperationCanceledException))
        {
            // The client refused the record itself (an argument it cannot send): the same record is refused again.
            return (false, ExceptionText.Chain(e, maxLength: 500));
        }
    }

    /// <summary>The producer's own size check and the broker's refusal both come back as one of these.</summary>
    private static bool IsTooLarge(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge;

    private static Message<byte[], byte[]> Whole(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        var headers = OriginalHeaders(record);
        AddWhy(headers, record, kind, reason);
        return new Message<byte[], byte[]> { Key = record.Message.Key, Value = record.Message.Value, Timestamp = Timestamp.Default, Headers = headers };
    }

    private static Message<byte[], byte[]> Truncated(ConsumeResult<byte[], byte[]> record, string kind, string reason, string refusal)
    {
        var headers = OriginalHeaders(record);
        AddWhy(headers, record, kind, reason);
        AddTruncation(headers, record, refusal);
        return new Message<byte[], byte[]>
        {
            Key = Prefix(record.Message.Key),
            Value = Prefix(record.Message.Value),
            Timestamp = Timestamp.Default,
            Headers = headers,
        };
    }

    private static Message<byte[], byte[]> HeadersOnly(ConsumeResult<byte[], byte[]> record, string kind, string reason, string refusal)
    {
        var headers = new Headers();
        AddWhy(headers, record, kind, reason);
        AddTruncation(headers, record, refusal);
        headers.Add(OriginalHeadersBytesHeader, Text(record.Message.Headers?.Sum(h => h.Key.Length + (h.GetValueBytes()?.Length ?? 0)) ?? 0));
        return new Message<byte[], byte[]> { Key = CompactableKey(record), Value = [], Timestamp = Timestamp.Default, Headers = headers };
    }

    /// <summary>A compacted topic refuses records without a key: the original when it is small, else the source position.</summary>
    private static byte[] CompactableKey(ConsumeResult<byte[], byte[]> record) =>
        record.Message.Key is { Length: > 0 and <= KeptBytes } key
            ? key
            : Encoding.UTF8.GetBytes($"{record.Topic}/{record.Partition.Value.ToString(CultureInfo.InvariantCulture)}/{record.Offset.Value.ToString(CultureInfo.InvariantCulture)}");

    private static Headers OriginalHeaders(ConsumeResult<byte[], byte[]> record)
    {
        var headers = new Headers();
        if (record.Message.Headers is { } original)
        {
            foreach (var header in original)
                headers.Add(header.Key, header.GetValueBytes());
        }

        return headers;
    }

    private static void AddWhy(Headers headers, ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        headers.Add(KindHeader, Encoding.UTF8.GetBytes(kind));
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reason));
        headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(record.Topic));
        headers.Add(SourcePartitionHeader, Text(record.Partition.Value));
        headers.Add(SourceOffsetHeader, Text(record.Offset.Value));
        var timestamp = record.Message.Timestamp;
        headers.Add(SourceTimestampTypeHeader, Encoding.ASCII.GetBytes(timestamp.Type.ToString()));
        if (timestamp.Type != TimestampType.NotAvailable)
            headers.Add(SourceTimestampHeader, Text(timestamp.UnixTimestampMs));
    }

    private static void AddTruncation(Headers headers, ConsumeResult<byte[], byte[]> record, string refusal)
    {
        headers.Add(TruncatedHeader, "true"u8.ToArray());
        headers.Add(TruncatedReasonHeader, Encoding.UTF8.GetBytes(refusal));
        headers.Add(OriginalKeyBytesHeader, Text(Size(record.Message.Key)));
        headers.Add(OriginalValueBytesHeader, Text(Size(record.Message.Value)));
    }

    private static byte[] Prefix(byte[]? bytes) => bytes is null || bytes.Length <= KeptBytes ? bytes! : bytes[..KeptBytes];

    private static int Size(byte[]? bytes) => bytes?.Length ?? 0;

    private static byte[] Text(long number) => Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture));

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] record at offset {Offset} (key {KeyBytes} bytes, value {ValueBytes} bytes) is too large for the dead-letter topic {DeadLetterTopic} ({Refusal}); writing a truncated copy that points to it", EventId = 1600)]
    private partial void LogTruncating(string topic, int partition, long offset, int keyBytes, int valueBytes, string refusal, string deadLetterTopic);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] record at offset {Offset}: its dead letter was refused ({Refusal}); writing the dlq.* headers only to {DeadLetterTopic}", EventId = 1601)]
    private partial void LogHeadersOnly(string topic, int partition, long offset, string refusal, string deadLetterTopic);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] record at offset {Offset} ({Kind}: {Reason}) is given up on WITHOUT a dead letter: {DeadLetterTopic} refused even the headers-only copy ({Refusal}); read it from the input topic at that position while retention keeps it", EventId = 1602)]
    private partial void LogLost(string topic, int partition, long offset, string kind, string reason, string deadLetterTopic, string refusal);
}
