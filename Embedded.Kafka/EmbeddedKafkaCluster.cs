using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Segmenter.Embedded.Kafka.Security;

namespace Segmenter.Embedded.Kafka;

/// <summary>
/// An in-process Kafka "cluster" backed by librdkafka's mock broker (Kafka wire protocol,
/// in-memory log, consumer groups, idempotent/transactional producer), usable from ordinary
/// Confluent.Kafka clients via <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// <para>Limitations of the mock broker (librdkafka 2.16): no Admin CreateTopics (use
/// <see cref="CreateTopic"/>), no SSL/SASL of its own (<see cref="EmbeddedKafkaOptions.Security"/> puts a gateway
/// in front that speaks them), auto-created topics get 4 partitions, and each
/// partition keeps only its newest ~5 MiB / 100,000 record batches.</para>
/// <para>The mock cluster lives on a private producer <c>rd_kafka_t</c> created through the C
/// API, so no Confluent.Kafka internals are touched.</para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IAsyncDisposable
{
    private readonly Lock _nativeLock = new();
    private readonly IAsyncDisposable[] _forwarders;
    private IntPtr _rk;       // rd_kafka_t* owning the mock cluster
    private IntPtr _mcluster; // rd_kafka_mock_cluster_t*

    private EmbeddedKafkaCluster(IntPtr rk, IntPtr mcluster, IReadOnlyList<IPEndPoint> brokerListeners,
        IAsyncDisposable[] forwarders, string bootstrapServers)
    {
        _rk = rk;
        _mcluster = mcluster;
        BrokerListeners = brokerListeners;
        _forwarders = forwarders;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The bootstrap.servers string clients should use.</summary>
    public string BootstrapServers { get; }

    /// <summary>The mock brokers' own (ephemeral) listeners, index 0 = broker id 1.</summary>
    public IReadOnlyList<IPEndPoint> BrokerListeners { get; }

    /// <summary>Number of brokers.</summary>
    public int BrokerCount => BrokerListeners.Count;

    /// <summary>
    /// With <see cref="EmbeddedKafkaOptions.Security"/>: connections refused so far (a client certificate rejected, a SASL
    /// authentication failed, or another request before authentication; a client that hangs up mid-handshake is not
    /// refused); always 0 without.
    /// </summary>
    public long RefusedConnections => _forwarders.OfType<SecurityGateway>().Sum(g => g.Refused);

    /// <summary>Starts a mock cluster (and, if <see cref="EmbeddedKafkaOptions.BasePort"/> is set, its forwarders).</summary>
    public static EmbeddedKafkaCluster Start(EmbeddedKafkaOptions? options = null)
    {
        options ??= new EmbeddedKafkaOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BrokerCount, 1);
        options.Security?.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(options.BasePort);
        if (options.BasePort > 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BasePort + options.BrokerCount - 1, IPEndPoint.MaxPort);
        }

        LibRdKafkaMock.EnsureInitialized();

        var hostConfig = new Dictionary<string, string>
        {
            ["client.id"] = "embedded-kafka-mock",
            // The hosting handle has no bootstrap.servers on purpose; keep it quiet.
            ["log_level"] = "3",
        };
        foreach (var (key, value) in options.HostHandleConfig ?? new Dictionary<string, string>())
        {
            hostConfig[key] = value;
        }

        if (hostConfig.ContainsKey("debug") && options.HostHandleConfig?.ContainsKey("log_level") != true)
        {
            hostConfig["log_level"] = "7"; // debug output is logged at level 7
        }

        IntPtr rk = LibRdKafkaMock.CreateProducerHandle(hostConfig);
        IntPtr mcluster = IntPtr.Zero;
        var forwarders = new List<IAsyncDisposable>();
        try
        {
            mcluster = LibRdKafkaMock.rd_kafka_mock_cluster_new(rk, options.BrokerCount);
            if (mcluster == IntPtr.Zero)
            {
                throw new InvalidOperationException("rd_kafka_mock_cluster_new returned NULL.");
            }

            // "host:port,host:port,..." in broker-id order (1..N); built once at creation.
            string internalBootstraps = Marshal.PtrToStringUTF8(LibRdKafkaMock.rd_kafka_mock_cluster_bootstraps(mcluster))
                ?? throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned NULL.");
            IPEndPoint[] listeners = internalBootstraps
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(ParseEndPoint)
                .ToArray();
            if (listeners.Length != options.BrokerCount)
            {
                throw new InvalidOperationException($"Unexpected mock bootstraps '{internalBootstraps}'.");
            }

            string bootstrapServers = internalBootstraps;
            if (options.BasePort > 0 || options.Security is not null)
            {
                var advertised = new List<string>();
                for (int i = 0; i < listeners.Length; i++)
                {
                    int brokerId = i + 1;
                    int port = options.BasePort > 0 ? options.BasePort + i : 0;
                    var listen = new IPEndPoint(options.ListenAddress, port);
                    if (options.Security is { } security)
                    {
                        // The mock's own listener stays plaintext; clients learn only the gateway's address.
                        var gateway = SecurityGateway.Start(listen, listeners[i], security);
                        forwarders.Add(gateway);
                        port = gateway.ListenEndPoint.Port;
                    }
                    else
                    {
                        forwarders.Add(TcpForwarder.Start(listen, listeners[i]));
                    }

                    // Only changes what Metadata advertises; the mock keeps listening on its
                    // ephemeral port (also across set_down/set_up), which the forwarder targets.
                    LibRdKafkaMock.rd_kafka_mock_broker_set_host_port(mcluster, brokerId, options.AdvertisedHost, port);
                    advertised.Add(string.Create(CultureInfo.InvariantCulture, $"{options.AdvertisedHost}:{port}"));
                }

                bootstrapServers = string.Join(',', advertised);
            }

            return new EmbeddedKafkaCluster(rk, mcluster, listeners, [.. forwarders], bootstrapServers);
        }
        catch
        {
            foreach (IAsyncDisposable forwarder in forwarders)
            {
                forwarder.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            if (mcluster != IntPtr.Zero)
            {
                LibRdKafkaMock.rd_kafka_mock_cluster_destroy(mcluster);
            }

            LibRdKafkaMock.rd_kafka_destroy(rk);
            throw;
        }
    }

    /// <summary>
    /// Creates a topic (the mock broker does not implement the CreateTopics admin request).
    /// </summary>
    /// <param name="name">Topic name.</param>
    /// <param name="partitions">Partition count.</param>
    /// <param name="replicationFactor">Replica count; -1 = min(3, broker count).</param>
    /// <exception cref="KafkaException">e.g. TopicAlreadyExists.</exception>
    public void CreateTopic(string name, int partitions, int replicationFactor = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        if (replicationFactor < 0)
        {
            replicationFactor = Math.Min(3, BrokerCount);
        }

        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_topic_create(mc, name, partitions, replicationFactor),
            $"create topic '{name}'");
    }

    /// <summary>Drops the broker's connections and refuses new ones (no leader change). -1 = all brokers.</summary>
    public void SetBrokerDown(int brokerId) =>
        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_broker_set_down(mc, brokerId), $"set broker {brokerId} down");

    /// <summary>Makes the broker accept connections again, on the same port. -1 = all brokers.</summary>
    public void SetBrokerUp(int brokerId) =>
        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_broker_set_up(mc, brokerId), $"set broker {brokerId} up");

    /// <summary>Adds an artificial round-trip delay to a broker's responses. -1 = all brokers.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_broker_set_rtt(mc, brokerId, (int)rtt.TotalMilliseconds),
            $"set broker {brokerId} rtt");

    /// <summary>Moves partition leadership; <paramref name="brokerId"/> -1 makes it leaderless.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_partition_set_leader(mc, topic, partition, brokerId),
            $"set leader of {topic}[{partition}]");

    /// <summary>Restricts the ApiVersion range the brokers announce for an ApiKey (-1/-1 disables it).</summary>
    public void SetApiVersion(short apiKey, short minVersion, short maxVersion) =>
        Invoke(mc => LibRdKafkaMock.rd_kafka_mock_set_apiversion(mc, apiKey, minVersion, maxVersion),
            $"set ApiVersion of key {apiKey}");

    /// <summary>
    /// Stops the forwarders (freeing the fixed ports), then destroys the mock cluster and its
    /// hosting handle. Clients still connected see a disconnect.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        IntPtr mcluster, rk;
        lock (_nativeLock)
        {
            (mcluster, rk) = (_mcluster, _rk);
            (_mcluster, _rk) = (IntPtr.Zero, IntPtr.Zero);
        }

        if (mcluster == IntPtr.Zero)
        {
            return; // already disposed
        }

        foreach (IAsyncDisposable forwarder in _forwarders)
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
        }

        // Both calls block (thread joins); keep them off the caller's context.
        await Task.Run(() =>
        {
            LibRdKafkaMock.rd_kafka_mock_cluster_destroy(mcluster);
            LibRdKafkaMock.rd_kafka_destroy(rk);
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a mock call under the lock (so it cannot race with dispose) and maps its error code.</summary>
    private void Invoke(Func<IntPtr, int> call, string what)
    {
        int err;
        lock (_nativeLock)
        {
            ObjectDisposedException.ThrowIf(_mcluster == IntPtr.Zero, this);
            err = call(_mcluster);
        }

        if (err != 0)
        {
            // rd_kafka_resp_err_t values are the same numbers as Confluent.Kafka.ErrorCode.
            throw new KafkaException(new Error((ErrorCode)err, $"Mock cluster: failed to {what}: {(ErrorCode)err}"));
        }
    }

    private static IPEndPoint ParseEndPoint(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        string host = hostPort[..colon].Trim('[', ']');
        int port = int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture);
        IPAddress address = IPAddress.TryParse(host, out IPAddress? ip) ? ip : Dns.GetHostAddresses(host)[0];
        return new IPEndPoint(address, port);
    }
}
