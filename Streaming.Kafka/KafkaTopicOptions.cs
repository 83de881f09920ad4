namespace Segmenter.Streaming.Kafka;

/// <summary>One Kafka topic the provider reads (input), writes (output), or both.</summary>
public sealed class KafkaTopicOptions
{
    /// <summary>
    /// Declares topic <paramref name="name"/>. Usually made by <c>AddInputTopic</c> / <c>AddOutputTopic</c>, which also
    /// set the decoder or encoder and merge an input and an output declaration of the same topic into one entry.
    /// </summary>
    /// <param name="name">The Kafka topic's name.</param>
    public KafkaTopicOptions(string name) => Name = name;

    /// <summary>The Kafka topic.</summary>
    public string Name { get; }

    /// <summary>The Orleans stream namespace of the topic's streams; the topic name unless set.</summary>
    public string? StreamNamespace { get; set; }

    /// <summary>Partition count; null discovers it from the broker at start.</summary>
    public int? Partitions { get; set; }

    /// <summary>Makes the topic an input: every partition becomes an Orleans queue read by pulling agents.</summary>
    public Func<IServiceProvider, IKafkaRecordDecoder>? Decoder { get; set; }

    /// <summary>Makes the topic an output: events published on its namespace are produced to it.</summary>
    public Func<IServiceProvider, IKafkaRecordEncoder>? Encoder { get; set; }

    /// <summary>The stream namespace in effect: <see cref="StreamNamespace"/>, or the topic name when that is not set.</summary>
    public string Namespace => StreamNamespace ?? Name;

    /// <summary>Whether the provider reads the topic (a <see cref="Decoder"/> is set).</summary>
    public bool IsInput => Decoder is not null;

    /// <summary>Whether the provider produces to the topic (an <see cref="Encoder"/> is set).</summary>
    public bool IsOutput => Encoder is not null;
}
