using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>
/// The provider's one producer per process, shared by output streams and the dead-letter path: idempotent
/// (acks=all, in order per partition, no duplicates on producer retries), batched (linger), compressed, and
/// partitioning keys with Kafka's murmur2 like the Java client.
/// </summary>
internal sealed partial class KafkaProducerHost : IRecordProducer, IDisposable
{
    private readonly Lazy<IProducer<byte[], byte[]>> _producer;
    private readonly ILogger _logger;

    public KafkaProducerHost(KafkaStreamOptions options, string providerName, ILogger logger)
    {
        _logger = logger;
        _producer = new Lazy<IProducer<byte[], byte[]>>(() => Build(options, providerName), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public IProducer<byte[], byte[]> Producer => _producer.Value;

    /// <summary>Produces every message and completes when the broker acknowledged all of them (or fails with the first error).</summary>
    public async Task ProduceAllAsync(IReadOnlyList<(string Topic, Message<byte[], byte[]> Message)> messages)
    {
        if (messages.Count == 0)
            return;

        var acks = new BatchAcknowledgement(messages.Count);
        var producer = Producer;
        foreach (var (topic, message) in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, acks.OnDelivery);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local send queue is full (a burst, or the broker is slow): wait for room, never drop.
                    await Task.Delay(5);
                }
            }
        }

        await acks.Task;
    }

    public void Dispose()
    {
        if (!_producer.IsValueCreated)
            return;
        var remaining = _producer.Value.Flush(TimeSpan.FromSeconds(10));
        if (remaining > 0)
            LogClosedUnacknowledged(remaining);
        _producer.Value.Dispose();
    }

    private IProducer<byte[], byte[]> Build(KafkaStreamOptions options, string providerName)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = $"{providerName}-producer-{Environment.MachineName}-{Environment.ProcessId}",
            EnableIdempotence = true,
            Acks = Acks.All,
            CompressionType = options.Compression,
            LingerMs = options.ProducerLinger.TotalMilliseconds,
            Partitioner = Partitioner.Murmur2Random,
            SocketNagleDisable = true,
        };
        options.Security.ApplyTo(config);
        foreach (var (key, value) in options.ProducerSettings)
            config.Set(key, value);

        var builder = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) => KafkaClientLog.Write(_logger, options, message))
            .SetErrorHandler((_, error) => LogProducerError(error.IsFatal ? LogLevel.Critical : LogLevel.Warning, error.Code, options.Redact(error.Reason)));
        return options.Security.ApplyTo(builder).Build();
    }

    [LoggerMessage(LogLevel.Error, "Kafka producer closed with {Remaining} records not acknowledged", EventId = 1200)]
    private partial void LogClosedUnacknowledged(int remaining);

    // The level is the error's: a fatal producer error (the idempotent sequence broke) is critical, the rest warnings.
    [LoggerMessage("Kafka producer error {Code}: {Reason}", EventId = 1201)]
    private partial void LogProducerError(LogLevel level, ErrorCode code, string reason);

    /// <summary>Completes once <c>count</c> deliveries are reported, failing on the first error.</summary>
    private sealed class BatchAcknowledgement(int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public Task Task => _done.Task;

        public void OnDelivery(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                _done.TrySetException(new ProduceException<byte[], byte[]>(report.Error, report));
                return;
            }

            if (Interlocked.Decrement(ref _remaining) == 0)
                _done.TrySetResult();
        }
    }
}
