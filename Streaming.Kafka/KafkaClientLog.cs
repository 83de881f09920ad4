using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// librdkafka's own log lines of the provider's clients, through the host's logging instead of straight to stderr
/// (Confluent.Kafka's default), and with the configured secrets masked: its debug contexts can echo settings.
/// </summary>
internal static partial class KafkaClientLog
{
    public static void Write(ILogger logger, KafkaStreamOptions options, LogMessage message)
    {
        // librdkafka's errors are reported again, with their codes, to each client's error handler; as log lines they
        // are the connection chatter of an outage (retried by librdkafka itself), so warnings at most.
        var level = message.Level switch
        {
            <= SyslogLevel.Warning => LogLevel.Warning,
            <= SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        if (logger.IsEnabled(level))
            Log(logger, level, message.Name, message.Facility, options.Redact(message.Message));
    }

    [LoggerMessage("librdkafka {Client} {Facility}: {Message}", EventId = 1202)]
    private static partial void Log(ILogger logger, LogLevel level, string client, string facility, string message);
}
