using System.Net;
using Segmenter.Embedded.Kafka.Security;

namespace Segmenter.Embedded.Kafka;

/// <summary>Settings for <see cref="EmbeddedKafkaCluster.Start"/>.</summary>
public sealed record EmbeddedKafkaOptions
{
    /// <summary>Number of mock brokers; broker ids are 1..BrokerCount.</summary>
    public int BrokerCount { get; init; } = 1;

    /// <summary>
    /// 0: expose the brokers' ephemeral listener ports directly (in-process use, no forwarder).
    /// Otherwise broker <c>i</c> (1-based) is reachable on <c>BasePort + i - 1</c> through a TCP
    /// forwarder, and Metadata advertises that port, so other processes can use a fixed
    /// bootstrap address such as <c>127.0.0.1:9092</c>.
    /// </summary>
    public int BasePort { get; init; }

    /// <summary>Host advertised in Metadata for the fixed ports.</summary>
    public string AdvertisedHost { get; init; } = "127.0.0.1";

    /// <summary>Address the fixed-port forwarders bind to.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// When set, clients must connect with TLS and/or SASL as configured here: a gateway in front of each broker (on
    /// <see cref="BasePort"/>, or on a free port when that is 0) terminates them, and Metadata advertises the gateways.
    /// </summary>
    public EmbeddedKafkaSecurity? Security { get; init; }

    /// <summary>
    /// Extra librdkafka properties for the private handle that hosts the mock cluster,
    /// e.g. <c>debug=mock</c> to trace the mock broker.
    /// </summary>
    public IReadOnlyDictionary<string, string>? HostHandleConfig { get; init; }
}
