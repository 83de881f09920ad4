using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Kafka;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Hosting.Kafka;

/// <summary>
/// Decodes an <c>events</c> record (key Avro <c>events.Device</c>, value Avro <c>events.Envelope</c>) into a
/// <see cref="DeviceInput"/> on the stream (<c>events</c>, device id), following <see cref="IKafkaRecordDecoder"/>'s
/// contract with the one classification of every transport (<see cref="DecodeFailure.OfRecord"/>): an unreachable schema
/// registry throws <see cref="KafkaDecodeDeferredException"/> and the record is retried; any other failure, whatever its
/// type, is poison with its kind and a reason (<see cref="DecodeFailure"/>), as the Event Hubs transport reports it.
/// </summary>
public sealed class DeviceInputDecoder(ContractSerdes serdes) : IKafkaRecordDecoder
{
    public async ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
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
        catch (Exception e) when (SchemaRegistryOutage.Is(e, cancellationToken))
        {
            // The record is fine: kept and retried. The registry client's own exception is the inner one.
            var cause = SchemaRegistryOutage.Cause(e);
            if (SchemaRegistrySettings.IsRefusedCredentials(cause))
            {
                // The registry is up but the credentials are wrong or missing: fixing SchemaRegistry:BasicAuthUserInfo loses nothing.
                throw new KafkaDecodeDeferredException($"The schema registry refused the credentials ({cause.Message}): check SchemaRegistry:BasicAuthUserInfo.", cause);
            }

            throw new KafkaDecodeDeferredException($"The schema registry cannot be reached: {cause.Message}", cause);
        }
        catch (Exception e) when (DecodeFailure.OfRecord(e, cancellationToken) is { } failure)
        {
            return KafkaDecodeResult.Poison(failure.Kind, failure.Reason);
        }
    }
}
