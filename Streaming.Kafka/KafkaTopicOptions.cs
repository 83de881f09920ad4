namespace Segmenter.Streaming.Kafka;

/// <summary>One Kafka topic the provider reads (input), writes (output), or both.</summary>
public sealed class KafkaTopicOptions
{
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

    public string Namespace => StreamNamespace ?? Name;

    public bool IsInput => Decoder is not null;

    public bool IsOutput => Encoder is not null;
}
