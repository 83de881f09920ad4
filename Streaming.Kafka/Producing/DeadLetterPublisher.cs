using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>
/// Sends a record that cannot be decoded to the dead-letter topic: original key and value bytes, original headers,
/// and headers saying why and where it came from. Completes when the broker has it, so the source offset is
/// committed only after the record is safe in the dead-letter topic.
/// </summary>
/// <remarks>
/// A copy that can never be written — larger than the producer's <c>message.max.bytes</c>, or refused by the broker as
/// too large — would stop the partition for good if it were retried. So it is written again without the bulk: the
/// first <see cref="KeptBytes"/> bytes of key and value, the original headers, <c>dlq.truncated</c> and the original
/// sizes; and if even that is too large (the headers alone), with the <c>dlq.*</c> headers only. Every shape carries
/// the source position, so the whole record can still be read from the input topic while retention keeps it. Any
/// other write error propagates: it is passing (the broker is unreachable), and the receiver retries the record.
/// </remarks>
internal sealed partial class DeadLetterPublisher(KafkaProducerHost producer, string topic, ILogger logger)
{
    public const string ReasonHeader = "dlq.reason";
    public const string KindHeader = "dlq.kind";
    public const string SourceTopicHeader = "dlq.source.topic";
    public const string SourcePartitionHeader = "dlq.source.partition";
    public const string SourceOffsetHeader = "dlq.source.offset";
    public const string TruncatedHeader = "dlq.truncated";
    public const string TruncatedReasonHeader = "dlq.truncated.reason";
    public const string OriginalKeyBytesHeader = "dlq.original.key.bytes";
    public const string OriginalValueBytesHeader = "dlq.original.value.bytes";
    public const string OriginalHeadersBytesHeader = "dlq.original.headers.bytes";

    /// <summary>How much of the key and of the value a truncated dead letter keeps: enough to see the framing and the start.</summary>
    public const int KeptBytes = 1024;

    private readonly ILogger _logger = logger;

    public string Topic => topic;

    public async Task PublishAsync(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        try
        {
            await producer.ProduceAllAsync([(topic, Whole(record, kind, reason))]);
            return;
        }
        catch (ProduceException<byte[], byte[]> e) when (IsTooLarge(e.Error.Code))
        {
            LogTruncating(record.Topic, record.Partition.Value, record.Offset.Value, Size(record.Message.Key), Size(record.Message.Value), e.Error.Reason, topic);
            try
            {
                await producer.ProduceAllAsync([(topic, Truncated(record, kind, reason, e.Error.Reason))]);
                return;
            }
            catch (ProduceException<byte[], byte[]> again) when (IsTooLarge(again.Error.Code))
            {
                LogHeadersDropped(record.Topic, record.Partition.Value, record.Offset.Value, again.Error.Reason);
            }
        }

        await producer.ProduceAllAsync([(topic, Bare(record, kind, reason))]);
    }

    /// <summary>The producer's own size check and the broker's refusal both come back as one of these.</summary>
    private static bool IsTooLarge(ErrorCode code) => code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge;

    private static Message<byte[], byte[]> Whole(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        var headers = OriginalHeaders(record);
        AddWhy(headers, record, kind, reason);
        return new Message<byte[], byte[]> { Key = record.Message.Key, Value = record.Message.Value, Timestamp = record.Message.Timestamp, Headers = headers };
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
            Timestamp = record.Message.Timestamp,
            Headers = headers,
        };
    }

    private static Message<byte[], byte[]> Bare(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        var headers = new Headers();
        AddWhy(headers, record, kind, reason);
        AddTruncation(headers, record, "even the truncated copy with the original headers is too large");
        headers.Add(OriginalHeadersBytesHeader, Text(record.Message.Headers?.Sum(h => h.Key.Length + (h.GetValueBytes()?.Length ?? 0)) ?? 0));
        return new Message<byte[], byte[]> { Key = null!, Value = null!, Timestamp = record.Message.Timestamp, Headers = headers };
    }

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

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] record at offset {Offset} (key {KeyBytes} bytes, value {ValueBytes} bytes) is too large for the dead-letter topic {DeadLetterTopic} ({Refusal}); writing a truncated copy that points to it")]
    private partial void LogTruncating(string topic, int partition, long offset, int keyBytes, int valueBytes, string refusal, string deadLetterTopic);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] record at offset {Offset}: even its truncated dead letter is too large ({Refusal}); writing the dlq.* headers only")]
    private partial void LogHeadersDropped(string topic, int partition, long offset, string refusal);
}
