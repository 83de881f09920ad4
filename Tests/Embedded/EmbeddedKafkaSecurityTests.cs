using System.Text;
using Confluent.Kafka;
using Segmenter.Embedded.Kafka;
using Segmenter.Embedded.Kafka.Security;

namespace Segmenter.Tests.Embedded;

/// <summary>
/// The embedded Kafka as a secured cluster: librdkafka clients configured as for a managed service (SASL PLAIN, SCRAM,
/// OAUTHBEARER, TLS with hostname verification, mutual TLS) produce and consume through it, and clients with wrong or
/// missing credentials are refused before they reach the broker.
/// </summary>
public sealed class EmbeddedKafkaSecurityTests
{
    private const string User = "app";
    private const string Password = "pa55-w0rd=,:"; // characters SCRAM escapes and PLAIN separates by
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(SaslMechanism.Plain)]
    [InlineData(SaslMechanism.ScramSha256)]
    [InlineData(SaslMechanism.ScramSha512)]
    public async Task Sasl_clients_with_the_right_password_produce_and_consume(SaslMechanism mechanism)
    {
        await using var kafka = Start(new EmbeddedKafkaSecurity { Protocol = SecurityProtocol.SaslPlaintext, Users = Users() });

        var client = Sasl(kafka, SecurityProtocol.SaslPlaintext, mechanism, Password);

        Assert.Equal("hello", await RoundTripAsync(kafka, client));
        Assert.Equal(0, kafka.RefusedConnections);
    }

    [Theory]
    [InlineData(SaslMechanism.Plain)]
    [InlineData(SaslMechanism.ScramSha256)]
    [InlineData(SaslMechanism.ScramSha512)]
    public async Task Sasl_clients_with_a_wrong_password_are_refused_with_an_authentication_error(SaslMechanism mechanism)
    {
        await using var kafka = Start(new EmbeddedKafkaSecurity { Protocol = SecurityProtocol.SaslPlaintext, Users = Users() });

        var error = MetadataError(Sasl(kafka, SecurityProtocol.SaslPlaintext, mechanism, "wrong"));

        Assert.Contains("Authentication failed", error, StringComparison.Ordinal);
        Assert.True(kafka.RefusedConnections > 0);
    }

    [Fact]
    public async Task A_plaintext_client_is_refused_by_a_sasl_broker()
    {
        await using var kafka = Start(new EmbeddedKafkaSecurity { Protocol = SecurityProtocol.SaslPlaintext, Users = Users() });

        var error = MetadataError(new ClientConfig { BootstrapServers = kafka.BootstrapServers });

        Assert.NotEmpty(error);
        Assert.True(kafka.RefusedConnections > 0, "the gateway never saw the plaintext client's requests");
    }

    [Fact]
    public async Task Sasl_ssl_verifies_the_brokers_certificate_against_the_configured_authority()
    {
        using var certificates = EmbeddedKafkaCertificates.Create(Directory.CreateTempSubdirectory("segmenter-certs-").FullName);
        await using var kafka = Start(new EmbeddedKafkaSecurity
        {
            Protocol = SecurityProtocol.SaslSsl,
            Users = Users(),
            ServerCertificate = certificates.Server,
        });

        var trusting = Sasl(kafka, SecurityProtocol.SaslSsl, SaslMechanism.ScramSha512, Password);
        trusting.SslCaLocation = certificates.AuthorityPath;
        Assert.Equal("hello", await RoundTripAsync(kafka, trusting));

        // Without the authority librdkafka cannot verify the broker and refuses it itself.
        var untrusting = Sasl(kafka, SecurityProtocol.SaslSsl, SaslMechanism.ScramSha512, Password);
        Assert.Contains("certificate verify failed", MetadataError(untrusting), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Mutual_tls_takes_a_client_certificate_signed_by_the_authority_and_refuses_a_client_without_one()
    {
        const string keyPassword = "key-pa55";
        using var certificates = EmbeddedKafkaCertificates.Create(Directory.CreateTempSubdirectory("segmenter-certs-").FullName, keyPassword);
        await using var kafka = Start(new EmbeddedKafkaSecurity
        {
            Protocol = SecurityProtocol.Ssl,
            ServerCertificate = certificates.Server,
            ClientCertificateAuthority = certificates.Authority,
        });

        var withCertificate = new ClientConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            SecurityProtocol = SecurityProtocol.Ssl,
            SslCaLocation = certificates.AuthorityPath,
            SslCertificateLocation = certificates.ClientCertificatePath,
            SslKeyLocation = certificates.ClientKeyPath,
            SslKeyPassword = keyPassword,
        };
        Assert.Equal("hello", await RoundTripAsync(kafka, withCertificate));
        Assert.Equal(0, kafka.RefusedConnections);

        var without = new ClientConfig { BootstrapServers = kafka.BootstrapServers, SecurityProtocol = SecurityProtocol.Ssl, SslCaLocation = certificates.AuthorityPath };
        Assert.NotEmpty(MetadataError(without));
        Assert.True(kafka.RefusedConnections > 0, "the client without a certificate was not refused by the broker");
    }

    [Fact]
    public async Task Oauthbearer_takes_the_token_a_refresh_handler_sets_and_refuses_another()
    {
        await using var kafka = Start(new EmbeddedKafkaSecurity
        {
            Protocol = SecurityProtocol.SaslPlaintext,
            Mechanisms = [SaslMechanism.OAuthBearer],
            OAuthBearerTokenValidator = token => token == "good-token",
        });
        var config = new ClientConfig { BootstrapServers = kafka.BootstrapServers, SecurityProtocol = SecurityProtocol.SaslPlaintext, SaslMechanism = SaslMechanism.OAuthBearer };

        using (var admin = new AdminClientBuilder(config)
            .SetOAuthBearerTokenRefreshHandler((client, _) => client.OAuthBearerSetToken("good-token", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds(), "app"))
            .SetLogHandler((_, _) => { }).Build())
        {
            Assert.NotEmpty(admin.GetMetadata(Patience).Brokers);
        }

        string? error = null;
        using (var admin = new AdminClientBuilder(config)
            .SetOAuthBearerTokenRefreshHandler((client, _) => client.OAuthBearerSetToken("bad-token", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds(), "app"))
            .SetErrorHandler((_, e) => error ??= e.Reason)
            .SetLogHandler((_, _) => { }).Build())
        {
            Assert.ThrowsAny<KafkaException>(() => admin.GetMetadata(TimeSpan.FromSeconds(5)));
        }

        Assert.Contains("invalid_token", error ?? "", StringComparison.Ordinal);
    }

    private static EmbeddedKafkaCluster Start(EmbeddedKafkaSecurity security)
    {
        var kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions { Security = security });
        kafka.CreateTopic("secured", 1);
        return kafka;
    }

    private static Dictionary<string, string> Users() => new() { [User] = Password, ["other"] = "other-password" };

    private static ClientConfig Sasl(EmbeddedKafkaCluster kafka, SecurityProtocol protocol, SaslMechanism mechanism, string password) => new()
    {
        BootstrapServers = kafka.BootstrapServers,
        SecurityProtocol = protocol,
        SaslMechanism = mechanism,
        SaslUsername = User,
        SaslPassword = password,
    };

    /// <summary>Produces one record with <paramref name="client"/>'s settings and reads it back with a consumer of the same settings.</summary>
    private static async Task<string> RoundTripAsync(EmbeddedKafkaCluster kafka, ClientConfig client)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig(new Dictionary<string, string>(client)) { MessageTimeoutMs = (int)Patience.TotalMilliseconds })
            .SetLogHandler((_, _) => { }).Build();
        var delivered = await producer.ProduceAsync("secured", new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = "hello"u8.ToArray() });

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(new Dictionary<string, string>(client)) { GroupId = $"g-{Guid.NewGuid():N}" })
            .SetLogHandler((_, _) => { }).Build();
        consumer.Assign(delivered.TopicPartitionOffset);
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
                return Encoding.UTF8.GetString(record.Message.Value);
        }

        Assert.Fail($"the record produced to {kafka.BootstrapServers} was not read back");
        return "";
    }

    /// <summary>What librdkafka reports when asking for metadata with these settings fails (it must fail).</summary>
    private static string MetadataError(ClientConfig client)
    {
        var errors = new List<string>();
        using var admin = new AdminClientBuilder(new AdminClientConfig(new Dictionary<string, string>(client)))
            .SetErrorHandler((_, e) => { lock (errors) errors.Add(e.Reason); })
            .SetLogHandler((_, _) => { }).Build();
        var failure = Assert.ThrowsAny<KafkaException>(() => admin.GetMetadata(TimeSpan.FromSeconds(5)));
        lock (errors)
            return string.Join(" | ", errors.Append(failure.Error.Reason));
    }
}
