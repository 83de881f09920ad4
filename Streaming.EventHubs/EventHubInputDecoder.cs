using Azure.Messaging.EventHubs;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;
using Segmenter.Streaming.EventHubs.Codec;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Reads an input event as <see cref="EventDataLayout"/> describes it: the device id from the binary property
/// <c>key</c> (Avro <c>events.Device</c>, the Kafka key bytes) or, without that property, from the partition key;
/// the body as Avro <c>events.Envelope</c>. Every record that can never be read comes back undecodable with the
/// decode error's kind; nothing here throws for bad input.
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
                return EventHubDecodeResult.Undecodable(AvroDecodeError.Missing,
                    $"The event names no device: it has neither the property '{EventDataLayout.KeyProperty}' (Avro events.Device) nor a partition key.");
            }

            var envelope = avro.Read(data.EventBody.ToMemory(), _envelope, "body");
            return EventHubDecodeResult.Decoded(deviceId, envelope);
        }
        catch (AvroDecodeException e)
        {
            return EventHubDecodeResult.Undecodable(e.Error, e.Message);
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
