using Azure.Messaging.EventHubs;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Reads an input event as <see cref="EventDataLayout"/> describes it: the device id from the binary property
/// <c>key</c> (Avro <c>events.Device</c>, the Kafka key bytes) or, without that property, from the partition key;
/// the body as Avro <c>events.Envelope</c>. Through the codec core the Kafka transport uses (<see cref="ContractCodecs"/>),
/// and with its one classification (<see cref="DecodeFailure.OfRecord"/>): every event that cannot be read comes back
/// undecodable with the kind and reason the Kafka transport would dead-letter it with, whatever failed. Only an
/// unreachable registry is not the event's failure: it propagates as <see cref="SchemaRegistryUnavailableException"/>,
/// and <see cref="PrepareAsync"/> lets the receiver hold the events until the registry answers, so that it never
/// reaches the adapter in a silo.
/// </summary>
public sealed class EventHubInputDecoder(ContractCodecs codecs)
{
    private const string Body = "body";
    private static readonly string KeyWhat = $"property '{EventDataLayout.KeyProperty}'";

    /// <summary>How long a failed registry lookup is remembered (the receiver retries held events at this pace).</summary>
    public TimeSpan RegistryRetryPeriod => codecs.Registry.Options.FailureMemory;

    public EventHubDecodeResult Decode(EventData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            var deviceId = DeviceId(data);
            if (string.IsNullOrEmpty(deviceId))
            {
                return EventHubDecodeResult.Undecodable(new DecodeFailure(nameof(AvroDecodeError.Missing),
                    $"The event names no device: it has neither the property '{EventDataLayout.KeyProperty}' (Avro events.Device) nor a partition key."));
            }

            var body = data.EventBody.ToMemory();
            var envelope = codecs.Envelope.Read(body, body.IsEmpty, Body);
            return EventHubDecodeResult.Decoded(deviceId, envelope);
        }
        catch (Exception e) when (DecodeFailure.OfRecord(e) is { } failure)
        {
            // The same rule as on Kafka: whatever fails on these bytes fails again, so the event is not decoded.
            return EventHubDecodeResult.Undecodable(failure);
        }
    }

    /// <summary>
    /// Looks up, without blocking, what <see cref="Decode"/> will ask the schema registry for (the writer schemas of the
    /// key property and the body): the outage when the registry cannot be asked, else null (the answers, good or bad for
    /// the event, are remembered for the decode).
    /// </summary>
    public async ValueTask<SchemaRegistryUnavailableException?> PrepareAsync(EventData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Properties.TryGetValue(EventDataLayout.KeyProperty, out var key) && Binary(key) is { } keyBytes
            && await codecs.PrepareReadAsync(keyBytes).ConfigureAwait(false) is { } outage)
            return outage;
        return await codecs.PrepareReadAsync(data.EventBody.ToMemory()).ConfigureAwait(false);
    }

    private string? DeviceId(EventData data)
    {
        if (!data.Properties.TryGetValue(EventDataLayout.KeyProperty, out var key) || key is null)
            return data.PartitionKey;

        var bytes = Binary(key) ?? throw new AvroDecodeException(AvroDecodeError.NotAvro,
            $"The property '{EventDataLayout.KeyProperty}' holds a {key.GetType().Name}; binary Avro events.Device with schema-registry framing was expected.");
        return codecs.Device.Read(bytes, bytes.IsEmpty, KeyWhat).Id;
    }

    /// <summary>AMQP hands binary properties back as byte arrays; the other shapes come from in-process producers.</summary>
    private static ReadOnlyMemory<byte>? Binary(object? property) => property switch
    {
        byte[] array => array,
        ArraySegment<byte> segment => segment,
        ReadOnlyMemory<byte> memory => memory,
        Memory<byte> memory => memory,
        BinaryData binary => binary.ToMemory(),
        _ => (ReadOnlyMemory<byte>?)null, // a bare null would become an empty memory (through byte[]'s conversion)
    };
}
