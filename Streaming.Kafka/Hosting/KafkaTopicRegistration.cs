namespace Segmenter.Streaming.Kafka.Hosting;

/// <summary>Adds topics to a provider's options: the one way topics, decoders and encoders are declared.</summary>
public static class KafkaTopicRegistration
{
    /// <summary>Reads <paramref name="topic"/>: each partition becomes an Orleans queue; records are decoded by <paramref name="decoder"/>.</summary>
    public static KafkaTopicOptions AddInputTopic(this KafkaStreamOptions options, string topic, Func<IServiceProvider, IKafkaRecordDecoder> decoder, string? streamNamespace = null)
    {
        var entry = Entry(options, topic);
        entry.Decoder = decoder;
        entry.StreamNamespace ??= streamNamespace;
        return entry;
    }

    /// <summary>Produces events published on the stream namespace (the topic name unless given) to <paramref name="topic"/>.</summary>
    public static KafkaTopicOptions AddOutputTopic(this KafkaStreamOptions options, string topic, Func<IServiceProvider, IKafkaRecordEncoder> encoder, string? streamNamespace = null)
    {
        var entry = Entry(options, topic);
        entry.Encoder = encoder;
        entry.StreamNamespace ??= streamNamespace;
        return entry;
    }

    private static KafkaTopicOptions Entry(KafkaStreamOptions options, string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var entry = options.Topics.FirstOrDefault(t => t.Name == topic);
        if (entry is null)
            options.Topics.Add(entry = new KafkaTopicOptions(topic));
        return entry;
    }
}
