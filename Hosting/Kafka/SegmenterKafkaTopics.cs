using Microsoft.Extensions.DependencyInjection;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;

namespace Segmenter.Hosting.Kafka;

/// <summary>
/// Segmenter's topics on the Kafka provider: <c>events</c> in, <c>session-events</c> and <c>sessions</c> out, dead
/// letters, with their codecs. One method, so that the silo's provider and the silo program's check before start
/// (which validates the Kafka settings as the provider will hold them) cannot differ.
/// </summary>
public static class SegmenterKafkaTopics
{
    /// <summary>Adds the topics of <paramref name="segmenter"/> to <paramref name="options"/>.</summary>
    public static void Apply(KafkaStreamOptions options, SegmenterOptions segmenter)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(segmenter);
        options.DeadLetterTopic = segmenter.DeadLetterTopic;
        options.AddInputTopic(segmenter.EventsTopic, sp => new DeviceInputDecoder(sp.GetRequiredService<ContractSerdes>()), StreamNamespaces.Events);
        options.AddOutputTopic(segmenter.SessionEventsTopic, sp => new SessionEventEncoder(sp.GetRequiredService<ContractSerdes>(), segmenter.SessionEventsTopic), StreamNamespaces.SessionEvents);
        options.AddOutputTopic(segmenter.SessionsTopic, sp => new SessionSummaryEncoder(sp.GetRequiredService<ContractSerdes>(), segmenter.SessionsTopic), StreamNamespaces.Sessions);
    }
}
