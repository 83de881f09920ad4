using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Serialization.Kafka;

/// <summary>
/// Decodes an <c>events</c> record (key Avro <c>events.Device</c>, value Avro <c>events.Envelope</c>) into a
/// <see cref="DeviceInput"/> on the stream (<c>events</c>, device id), following <see cref="IKafkaRecordDecoder"/>'s
/// contract: a record the codecs refuse is poison with the decode error's kind; an unreachable schema registry throws
/// <see cref="KafkaDecodeDeferredException"/> and the record is retried; anything else that goes wrong propagates, and
/// the receiver dead-letters the record as <see cref="KafkaDecodeResult.DecoderFailedKind"/>.
/// </summary>
public sealed class DeviceInputDecoder(ContractSerdes serdes) : IKafkaRecordDecoder
{
    public async ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        try
        {
            var message = record.Message;
            var device = await serdes.DeviceDeserializer.DeserializeAsync(
                message.Key, message.Key is null, new SerializationContext(MessageComponentType.Key, record.Topic, message.Headers));
            if (string.IsNullOrEmpty(device.Id))
                return KafkaDecodeResult.Poison(nameof(AvroDecodeError.Missing), "The record's key has an empty device id.");

            var envelope = await serdes.EnvelopeDeserializer.DeserializeAsync(
                message.Value, message.Value is null, new SerializationContext(MessageComponentType.Value, record.Topic, message.Headers));

            var recordTime = KafkaRecordTime.Of(message.Timestamp);
            var input = new DeviceInput(envelope, new SourcePosition(record.Partition.Value, record.Offset.Value), recordTime);
            var eventTime = envelope.Timestamp != DateTimeOffset.UnixEpoch ? envelope.Timestamp : recordTime;
            return KafkaDecodeResult.Decoded(StreamId.Create(StreamNamespaces.Events, device.Id), input, eventTime);
        }
        catch (AvroDecodeException e)
        {
            return KafkaDecodeResult.Poison(e.Error.ToString(), e.Message);
        }
        catch (Exception e) when (SchemaRegistrySettings.IsRefusedCredentials(e))
        {
            // The record is fine and the registry is up: the credentials are wrong or missing. Kept and retried, as an
            // outage, so that fixing SchemaRegistry:BasicAuthUserInfo loses nothing.
            throw new KafkaDecodeDeferredException($"The schema registry refused the credentials ({e.Message}): check SchemaRegistry:BasicAuthUserInfo.", e);
        }
        catch (Exception e) when (SchemaRegistryOutage.Is(e, cancellationToken))
        {
            throw new KafkaDecodeDeferredException($"The schema registry cannot be reached: {e.Message}", e);
        }
    }
}
