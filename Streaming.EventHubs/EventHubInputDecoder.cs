using Azure.Messaging.EventHubs;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;
using Segmenter.Streaming.EventHubs.Codec;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Reads an input event as <see cref="EventDataLayout"/> describes it: the device id from the binary property
/// <c>key</c> (Avro <c>events.Device</c>, the Kafka key bytes) or, without that property, from the partition key;
/// the body as Avro <c>events.Envelope</c>. Every event that cannot be read comes back undecodable, with the kind the
/// Kafka transport would dead-letter it with (<see cref="DecodeFailure"/>): the decode error's kind, or
/// <c>DecoderFailed</c> for anything else that went wrong. Nothing here throws for an event, so no event can stop a
/// partition; an unreachable registry is waited for in <see cref="RegistrySchemaCache"/>, not reported here.
/// </summary>
public sealed class EventHubInputDecoder(FramedAvroReader avro)
{
    private readonly DeviceMapper _device = new();
    private readonly EnvelopeMapper _envelope = new();

    public EventHubDecodeResult Decode(EventData data)
    {
        try
        {
            var deviceId = DeviceId(data);
            if (string.IsNullOrEmpty(deviceId))
            {
                return EventHubDecodeResult.Undecodable(new DecodeFailure(nameof(AvroDecodeError.Missing),
                    $"The event names no device: it has neither the property '{EventDataLayout.KeyProperty}' (Avro events.Device) nor a partition key."));
            }

            var envelope = avro.Read(data.EventBody.ToMemory(), _envelope, "body");
            return EventHubDecodeResult.Decoded(deviceId, envelope);
        }
        catch (Exception e)
        {
            // The same rule as on Kafka: whatever fails on these bytes fails again, so the event is not decoded.
            return EventHubDecodeResult.Undecodable(DecodeFailure.Of(e));
        }
    }

    private string? DeviceId(EventData data)
    {
        if (!data.Properties.TryGetValue(EventDataLayout.KeyProperty, out var key) || key is null)
            return data.PartitionKey;

        // AMQP hands binary properties back as byte arrays; the other shapes come from in-process producers.
        ReadOnlyMemory<byte> bytes = key switch
        {
            byte[] array => array,
            ArraySegment<byte> segment => segment,
            ReadOnlyMemory<byte> memory => memory,
            Memory<byte> memory => memory,
            BinaryData binary => binary.ToMemory(),
            _ => throw new AvroDecodeException(AvroDecodeError.NotAvro,
                $"The property '{EventDataLayout.KeyProperty}' holds a {key.GetType().Name}; binary Avro events.Device with schema-registry framing was expected."),
        };
        return avro.Read(bytes, _device, $"property '{EventDataLayout.KeyProperty}'").Id;
    }
}
