using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Kafka;

namespace Segmenter.Reader.Records;

/// <summary>
/// Decodes the records of Segmenter's topics through the schema registry. A record that cannot be read becomes an
/// <see cref="UndecodableRecord"/> naming the problem, whatever went wrong (the rule the silo follows: only an
/// unreachable registry is not the record's fault), so the reader prints it and goes on; an unreachable registry
/// propagates and ends the command with exit code 3. Input records are read as the silo reads them, Kafka timestamp
/// included, so the ones the silo dead-letters are the ones shown as undecodable.
/// </summary>
internal sealed class RecordDecoder(ContractSerdes serdes)
{
    public async Task<TopicRecord> DecodeAsync(ConsumeResult<byte[], byte[]> record, TopicKind kind)
    {
        var (topic, partition, offset) = (record.Topic, record.Partition.Value, record.Offset.Value);
        var message = record.Message;
        var keyContext = new SerializationContext(MessageComponentType.Key, topic, message.Headers);
        var valueContext = new SerializationContext(MessageComponentType.Value, topic, message.Headers);
        try
        {
            switch (kind)
            {
                case TopicKind.Events:
                    var device = await serdes.DeviceDeserializer.DeserializeAsync(message.Key, message.Key is null, keyContext);
                    var input = await serdes.EnvelopeDeserializer.DeserializeAsync(message.Value, message.Value is null, valueContext);
                    _ = KafkaRecordTime.Of(message.Timestamp); // refused here as the silo refuses it
                    return new InputEventRecord(topic, partition, offset, device.Id, input);

                case TopicKind.SessionEvents:
                    var eventKey = await serdes.SessionKeyDeserializer.DeserializeAsync(message.Key, message.Key is null, keyContext);
                    var envelope = await serdes.EnvelopeDeserializer.DeserializeAsync(message.Value, message.Value is null, valueContext);
                    return new SessionEventRecord(topic, partition, offset, eventKey, envelope, SourceOf(message.Headers));

                default:
                    var summaryKey = await serdes.SessionKeyDeserializer.DeserializeAsync(message.Key, message.Key is null, keyContext);
                    var summary = await serdes.SessionSummaryDeserializer.DeserializeAsync(message.Value, message.Value is null, valueContext);
                    return new SessionSummaryRecord(topic, partition, offset, summaryKey, summary);
            }
        }
        catch (Exception e) when (DecodeFailure.OfRecord(e) is { } failure)
        {
            return new UndecodableRecord(topic, partition, offset, failure.Kind, failure.Reason);
        }
    }

    private static SourcePosition? SourceOf(Headers? headers)
    {
        if (headers is null
            || !headers.TryGetLastBytes(SessionEventHeaders.SourcePartition, out var partition)
            || !headers.TryGetLastBytes(SessionEventHeaders.SourceOffset, out var offset)
            || !int.TryParse(Encoding.ASCII.GetString(partition), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            || !long.TryParse(Encoding.ASCII.GetString(offset), NumberStyles.None, CultureInfo.InvariantCulture, out var o))
            return null;
        return new SourcePosition(p, o);
    }
}
