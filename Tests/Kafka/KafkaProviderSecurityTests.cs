using System.Text;
using Confluent.Kafka;
using Segmenter.Embedded.Kafka;
using Segmenter.Embedded.Kafka.Security;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The provider against a secured cluster (the embedded Kafka behind TLS and SASL, as a managed service is): its
/// metadata client (partition discovery), partition consumers, commits and producer all connect with the one
/// <see cref="KafkaStreamOptions.Security"/>, and wrong credentials stop the silo with a message that names the
/// problem and never the password.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class KafkaProviderSecurityTests
{
    private const string User = "orleans-app";
    private const string Password = "Sup3r-s3cret-pa55word";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Over_sasl_ssl_with_scram_events_reach_their_grains_offsets_are_committed_and_outputs_are_produced()
    {
        using var certificates = EmbeddedKafkaCertificates.Create(Directory.CreateTempSubdirectory("segmenter-certs-").FullName);
        await using var kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions
        {
            Security = new EmbeddedKafkaSecurity
            {
                Protocol = SecurityProtocol.SaslSsl,
                Users = new Dictionary<string, string> { [User] = Password },
                ServerCertificate = certificates.Server,
            },
        });
        var client = new ClientConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            SecurityProtocol = SecurityProtocol.SaslSsl,
            SaslMechanism = SaslMechanism.ScramSha512,
            SaslUsername = User,
            SaslPassword = Password,
            SslCaLocation = certificates.AuthorityPath,
        };
        await RoundTripAsync(kafka, client, security =>
        {
            security.Protocol = "SASL_SSL";
            security.SaslMechanism = "SCRAM-SHA-512";
            security.SaslUsername = User;
            security.SaslPassword = Password;
            security.SslCaLocation = certificates.AuthorityPath;
        });
        Assert.Equal(0, kafka.RefusedConnections);
    }

    [Fact]
    public async Task Over_mutual_tls_with_an_encrypted_client_key_events_reach_their_grains_and_outputs_are_produced()
    {
        const string keyPassword = "k3y-pa55";
        using var certificates = EmbeddedKafkaCertificates.Create(Directory.CreateTempSubdirectory("segmenter-certs-").FullName, keyPassword);
        await using var kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions
        {
            Security = new EmbeddedKafkaSecurity
            {
                Protocol = SecurityProtocol.Ssl,
                ServerCertificate = certificates.Server,
                ClientCertificateAuthority = certificates.Authority,
            },
        });
        var client = new ClientConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            SecurityProtocol = SecurityProtocol.Ssl,
            SslCaLocation = certificates.AuthorityPath,
            SslCertificateLocation = certificates.ClientCertificatePath,
            SslKeyLocation = certificates.ClientKeyPath,
            SslKeyPassword = keyPassword,
        };
        await RoundTripAsync(kafka, client, security =>
        {
            security.Protocol = "Ssl";
            security.SslCaLocation = certificates.AuthorityPath;
            security.SslCertificateLocation = certificates.ClientCertificatePath;
            security.SslKeyLocation = certificates.ClientKeyPath;
            security.SslKeyPassword = keyPassword;
        });
        Assert.Equal(0, kafka.RefusedConnections);
    }

    [Fact]
    public async Task A_wrong_password_stops_the_silo_with_the_authentication_failure_and_without_the_password()
    {
        await using var kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions
        {
            Security = new EmbeddedKafkaSecurity { Protocol = SecurityProtocol.SaslPlaintext, Users = new Dictionary<string, string> { [User] = Password } },
        });
        kafka.CreateTopic("secured-in", 2);
        const string wrong = "Wr0ng-but-still-secret";

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => KafkaTestCluster.StartAsync(kafka.BootstrapServers, $"wrong-{Guid.NewGuid():N}", "secured-in", silos: 1,
            configure: options =>
            {
                options.MetadataTimeout = TimeSpan.FromSeconds(5);
                options.Security.Protocol = "SASL_PLAINTEXT";
                options.Security.SaslMechanism = "PLAIN";
                options.Security.SaslUsername = User;
                options.Security.SaslPassword = wrong;
            }));

        var message = Describe(failure);
        Assert.Contains("Authentication failed", message, StringComparison.Ordinal);
        Assert.Contains("cannot read the partition counts of secured-in", message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, message, StringComparison.Ordinal);
        Assert.True(kafka.RefusedConnections > 0);
    }

    [Fact]
    public async Task Settings_that_do_not_fit_together_stop_the_silo_naming_what_is_missing()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => KafkaTestCluster.StartAsync("127.0.0.1:9", $"bad-{Guid.NewGuid():N}", "any", silos: 1,
            configure: options =>
            {
                options.Topics[0].Partitions = 1;
                options.Security.Protocol = "SASL_SSL";
                options.Security.SaslMechanism = "SCRAM-SHA-256";
                options.Security.SaslPassword = "only-a-password";
            }));

        var message = Describe(failure);
        Assert.Contains("Kafka stream provider 'kafka': Security:SaslUsername is required with SaslMechanism SCRAM-SHA-256.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("only-a-password", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Records into a two-partition input topic (partition count discovered through the secured metadata client), into
    /// their grains in order, committed by the group; then the grains publish to an output topic, read back securely.
    /// </summary>
    private static async Task RoundTripAsync(EmbeddedKafkaCluster kafka, ClientConfig client, Action<Streaming.Kafka.Security.KafkaSecurityOptions> security)
    {
        var run = $"secure-{Guid.NewGuid():N}";
        var (input, output) = ($"{run}-in", $"{run}-out");
        kafka.CreateTopic(input, 2);
        kafka.CreateTopic(output, 2);
        kafka.CreateTopic($"{input}-dlq", 1);
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig(Copy(client))).SetLogHandler((_, _) => { }).Build())
        {
            for (var i = 0; i < 10; i++)
                producer.Produce(input, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k{i % 4}"), Value = Encoding.UTF8.GetBytes($"v{i}") });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, input, silos: 1, outputTopic: output,
            configure: options => security(options.Security));

        var received = await TestEventSink.WaitForAsync(run, 10, Patience);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"v{i}").Order(), received.Select(e => e.Value).Order());
        foreach (var key in received.GroupBy(e => e.Key))
            Assert.Equal(key.OrderBy(e => int.Parse(e.Value[1..], System.Globalization.CultureInfo.InvariantCulture)).Select(e => e.Value), key.Select(e => e.Value));

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(Copy(client)) { GroupId = run }).SetLogHandler((_, _) => { }).Build();
        var deadline = DateTime.UtcNow + Patience;
        long[] committed = [];
        while (DateTime.UtcNow < deadline)
        {
            committed = [.. consumer.Committed([new TopicPartition(input, 0), new TopicPartition(input, 1)], TimeSpan.FromSeconds(10)).Select(c => Math.Max(0, c.Offset.Value))];
            if (committed.Sum() == 10)
                break;
            await Task.Delay(200);
        }

        Assert.Equal(10, committed.Sum());

        await cluster.Client.GetGrain<IRecordingGrain>("k-out").Publish(KafkaTestCluster.Provider, KafkaProviderTests.OutputNamespace, ["a", "b"]);
        consumer.Assign([new TopicPartitionOffset(output, 0, Offset.Beginning), new TopicPartitionOffset(output, 1, Offset.Beginning)]);
        var outputs = new List<string>();
        while (outputs.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
                outputs.Add(Encoding.UTF8.GetString(record.Message.Value));
        }

        Assert.Equal(["a", "b"], outputs);
    }

    private static Dictionary<string, string> Copy(ClientConfig client) => new(client);

    private static string Describe(Exception failure)
    {
        var text = new StringBuilder();
        for (Exception? e = failure; e is not null; e = e.InnerException)
            text.AppendLine(e.Message);
        if (failure is AggregateException aggregate)
            aggregate.Flatten().InnerExceptions.ToList().ForEach(e => text.AppendLine(e.ToString()));
        return text.ToString();
    }
}
