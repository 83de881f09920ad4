using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Driver;

/// <summary>
/// Produces device events to the input topic as the silo expects them: key Avro <c>events.Device</c>, value Avro
/// <c>events.Envelope</c> (topic-name subjects in the schema registry), the Kafka record timestamp set to the event
/// time. Idempotent with acks=all, so a retry inside librdkafka never duplicates or reorders a device's events;
/// Java-compatible murmur2 placement, so a device's events land where the demo's Kafka Streams would put them; lz4
/// and a short linger so that records travel in large batches (the embedded broker keeps only the newest 5 MiB and
/// 100,000 batches per partition: tiny batches would push a load test's input out before the silo reads it).
/// Send order is kept per partition, hence per device.
/// </summary>
internal sealed class EventProducer : IDisposable
{
    private readonly string _topic;
    private readonly ConnectionSettings _connection;
    private readonly ContractSerdes _serdes;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly Action<DeliveryReport<byte[], byte[]>> _onDelivery;
    private long _sent;
    private long _delivered;
    private long _failed;
    private string? _lastError;

    public EventProducer(ConnectionSettings connection, string topic)
    {
        _topic = topic;
        _connection = connection;
        _serdes = new ContractSerdes(connection.CreateRegistryClient());
        _producer = new ProducerBuilder<byte[], byte[]>(connection.Kafka(new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = CompressionType.Lz4,
            LingerMs = 10,
            Partitioner = Partitioner.Murmur2Random,
            MessageTimeoutMs = 60_000,
        })).SetLogHandler((_, _) => { }).Build();
        _onDelivery = OnDelivery;
    }

    public string Topic => _topic;

    /// <summary>Records handed to the producer.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Records Kafka acknowledged.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Records Kafka did not take (after librdkafka's own retries).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last delivery error, if any.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Queues one event; returns once it is in the producer's queue (waits while the queue is full).</summary>
    public async Task SendAsync(string deviceId, Envelope envelope, CancellationToken cancellationToken)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = await KeyAsync(deviceId),
            Value = await _serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, _topic)),
            Timestamp = new Timestamp(envelope.Timestamp),
        };
        await EnqueueAsync(message, cancellationToken);
    }

    /// <summary>Queues a record whose value is arbitrary bytes (poison-record checks), keyed by a device.</summary>
    public async Task SendRawAsync(string deviceId, byte[] value, CancellationToken cancellationToken) =>
        await EnqueueAsync(new Message<byte[], byte[]> { Key = await KeyAsync(deviceId), Value = value }, cancellationToken);

    /// <summary>Waits until every queued record is acknowledged or failed; true when none is left in flight.</summary>
    public bool Flush(TimeSpan timeout) => _producer.Flush(timeout) == 0;

    /// <summary>Records queued but neither acknowledged nor failed yet.</summary>
    public long InFlight => Sent - Delivered - Failed;

    /// <summary>The counts for a summary line: <c>sent 10, delivered 10, failed 0</c> and the last error if any.</summary>
    public string Tally() =>
        $"sent {Sent:N0}, delivered {Delivered:N0}, failed {Failed:N0}" + (LastError is { } error ? $" (last error: {error})" : "");

    /// <summary>True when every record sent was acknowledged.</summary>
    public bool AllDelivered => Failed == 0 && InFlight == 0;

    public void Dispose() => _producer.Dispose();

    private async ValueTask<byte[]> KeyAsync(string deviceId)
    {
        if (!_keys.TryGetValue(deviceId, out var key))
        {
            key = await _serdes.DeviceSerializer.SerializeAsync(new Device(deviceId), new SerializationContext(MessageComponentType.Key, _topic));
            _keys[deviceId] = key;
        }

        return key;
    }

    private async Task EnqueueAsync(Message<byte[], byte[]> message, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, _onDelivery);
                Interlocked.Increment(ref _sent);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                // Backpressure: the local queue is full until the broker acknowledges some batches.
                await Task.Delay(5, cancellationToken);
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            Volatile.Write(ref _lastError, _connection.Redact($"{report.Error.Code}: {report.Error.Reason}"));
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }
}
