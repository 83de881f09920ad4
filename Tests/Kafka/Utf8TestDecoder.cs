using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Tests.Kafka;

/// <summary>Key and value are UTF-8 text; a value starting with "poison" cannot be decoded; the key is the stream key.</summary>
internal sealed class Utf8TestDecoder(string run, string streamNamespace) : IKafkaRecordDecoder
{
    public ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        var value = Encoding.UTF8.GetString(record.Message.Value ?? []);
        if (record.Message.Key is null)
            return ValueTask.FromResult(KafkaDecodeResult.Poison("Missing", "The record has no key."));
        if (value.StartsWith("poison", StringComparison.Ordinal))
            return ValueTask.FromResult(KafkaDecodeResult.Poison("TestPoison", $"'{value}' is not a test event."));
        var key = Encoding.UTF8.GetString(record.Message.Key);
        return ValueTask.FromResult(KafkaDecodeResult.Decoded(
            StreamId.Create(streamNamespace, key),
            new TestEvent(run, key, value, record.Partition.Value, record.Offset.Value)));
    }
}
