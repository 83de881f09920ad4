using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Tests.Kafka;

/// <summary>The provider's security settings: bound once from configuration, checked with messages naming what is missing, applied to librdkafka, never printed.</summary>
public sealed class KafkaSecurityOptionsTests
{
    [Fact]
    public void The_security_section_binds_from_configuration_and_environment_variables()
    {
        var prefix = $"SEGTEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Kafka__Security__SaslPassword", "from-the-environment");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Kafka:BootstrapServers"] = "broker:9093",
                    ["Kafka:Security:Protocol"] = "SASL_SSL",
                    ["Kafka:Security:SaslMechanism"] = "SCRAM-SHA-512",
                    ["Kafka:Security:SaslUsername"] = "app",
                    ["Kafka:Security:SslCaLocation"] = "probe",
                    ["Kafka:Security:Settings:ssl.endpoint.identification.algorithm"] = "https",
                })
                .AddEnvironmentVariables(prefix)
                .Build();
            var options = new KafkaStreamOptions();

            configuration.GetSection("Kafka").Bind(options);

            Assert.Equal(("SASL_SSL", "SCRAM-SHA-512", "app", "from-the-environment", "probe"),
                (options.Security.Protocol, options.Security.SaslMechanism, options.Security.SaslUsername, options.Security.SaslPassword, options.Security.SslCaLocation));
            Assert.Equal("https", options.Security.Settings["ssl.endpoint.identification.algorithm"]);
            Assert.Empty(KafkaSecurityOptionsValidator.Problems(options.Security, "Kafka:Security"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Kafka__Security__SaslPassword", null);
        }
    }

    [Fact]
    public void Every_client_gets_the_same_librdkafka_settings()
    {
        var security = new KafkaSecurityOptions
        {
            Protocol = "SaslSsl",
            SaslMechanism = "plain",
            SaslUsername = "$ConnectionString",
            SaslPassword = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s",
            SslCaLocation = "probe",
        };
        security.Settings["socket.keepalive.enable"] = "true";

        foreach (var config in new ClientConfig[] { new ConsumerConfig(), new ProducerConfig(), new AdminClientConfig() })
        {
            security.ApplyTo(config);
            var set = config.ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal("sasl_ssl", set["security.protocol"]);
            Assert.Equal("PLAIN", set["sasl.mechanism"]);
            Assert.Equal("$ConnectionString", set["sasl.username"]);
            Assert.Equal(security.SaslPassword, set["sasl.password"]);
            Assert.Equal("probe", set["ssl.ca.location"]);
            Assert.Equal("true", set["socket.keepalive.enable"]);
        }
    }

    [Fact]
    public void Nothing_set_leaves_the_clients_plaintext_as_before()
    {
        var security = new KafkaSecurityOptions();
        var config = new ConsumerConfig { BootstrapServers = "b:9092" };

        security.ApplyTo(config);

        Assert.False(security.IsConfigured);
        Assert.Empty(KafkaSecurityOptionsValidator.Problems(security, "Kafka:Security"));
        Assert.Equal(["bootstrap.servers"], config.Select(p => p.Key));
    }

    public static TheoryData<Action<KafkaSecurityOptions>, string> Problems => new()
    {
        { s => s.Protocol = "TLS", "Kafka:Security:Protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got 'TLS')." },
        { s => s.Protocol = "SASL_SSL", "Kafka:Security:SaslMechanism is required with Protocol SASL_SSL: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER." },
        { s => (s.Protocol, s.SaslMechanism) = ("SASL_SSL", "SCRAM-SHA-1"), "Kafka:Security:SaslMechanism must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (got 'SCRAM-SHA-1')." },
        { s => (s.Protocol, s.SaslMechanism, s.SaslPassword) = ("SASL_SSL", "PLAIN", "pw"), "Kafka:Security:SaslUsername is required with SaslMechanism PLAIN." },
        { s => (s.Protocol, s.SaslMechanism, s.SaslUsername) = ("SASL_SSL", "SCRAM-SHA-512", "app"), "Kafka:Security:SaslPassword is required with SaslMechanism SCRAM-SHA-512." },
        { s => s.SaslMechanism = "PLAIN", "Kafka:Security:Protocol is PLAINTEXT, which does not use SASL, but SaslMechanism is set: use SASL_SSL (or SASL_PLAINTEXT)." },
        { s => s.SaslUsername = "app", "Kafka:Security:SaslUsername is set but would not be used: it needs a SASL protocol (SASL_SSL or SASL_PLAINTEXT) with SaslMechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512." },
        { s => (s.Protocol, s.SslCaLocation) = ("SASL_PLAINTEXT", "probe"), "Kafka:Security:SslCaLocation is set but Protocol SASL_PLAINTEXT does not use TLS: use SSL or SASL_SSL." },
        { s => (s.Protocol, s.SslCaLocation) = ("SSL", "/nowhere/ca.pem"), "Kafka:Security:SslCaLocation names '/nowhere/ca.pem', which does not exist." },
        { s => (s.Protocol, s.SslCertificateLocation) = ("SSL", "/etc/hostname"), "Kafka:Security:SslKeyLocation is required too: mutual TLS needs both the client certificate (SslCertificateLocation) and its key (SslKeyLocation)." },
        { s => (s.Protocol, s.SslKeyPassword) = ("SSL", "pw"), "Kafka:Security:SslKeyPassword is set but SslKeyLocation is not: the password opens the client key of mutual TLS." },
        { s => (s.Protocol, s.SaslMechanism) = ("SASL_SSL", "OAUTHBEARER"), "Kafka:Security:OAuthBearerMethod must be 'oidc' (with OAuthBearerClientId, OAuthBearerClientSecret and OAuthBearerTokenEndpointUrl) for SaslMechanism OAUTHBEARER, unless the host sets OAuthBearerTokenRefreshHandler in code (as Amazon MSK IAM needs)." },
        { s => (s.Protocol, s.SaslMechanism, s.OAuthBearerMethod, s.OAuthBearerClientId, s.OAuthBearerClientSecret) = ("SASL_SSL", "OAUTHBEARER", "oidc", "id", "secret"), "Kafka:Security:OAuthBearerTokenEndpointUrl is required with SaslMechanism OAUTHBEARER and OAuthBearerMethod oidc." },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Settings_that_do_not_fit_together_are_named(Action<KafkaSecurityOptions> set, string problem)
    {
        var security = new KafkaSecurityOptions();
        set(security);

        Assert.Contains(problem, KafkaSecurityOptionsValidator.Problems(security, "Kafka:Security"));
    }

    [Fact]
    public void A_token_refresh_handler_in_code_makes_oauthbearer_complete()
    {
        var security = new KafkaSecurityOptions
        {
            Protocol = "SASL_SSL",
            SaslMechanism = "OAUTHBEARER",
            OAuthBearerTokenRefreshHandler = (client, _) => client.OAuthBearerSetTokenFailure("not in this test"),
        };

        Assert.Empty(KafkaSecurityOptionsValidator.Problems(security, "Kafka:Security"));
        Assert.Equal("SASL_SSL, OAUTHBEARER, tokens from a refresh handler", security.Describe());
    }

    [Fact]
    public void Secrets_are_never_in_messages_the_provider_writes()
    {
        var options = new KafkaStreamOptions();
        options.Security.Protocol = "SASL_SSL";
        options.Security.SaslMechanism = "PLAIN";
        options.Security.SaslUsername = "api-key";
        options.Security.SaslPassword = "api-secret";
        options.Security.SslKeyPassword = "key-password";
        options.Security.OAuthBearerClientSecret = "client-secret";
        options.Security.Settings["sasl.oauthbearer.config"] = "principal=app token=abc123";
        options.ConsumerSettings["ssl.keystore.password"] = "keystore-password";
        options.ProducerSettings["linger.ms"] = "5";

        var redacted = options.Redact("api-secret key-password client-secret principal=app token=abc123 keystore-password 5 api-key");

        Assert.Equal("*** *** *** *** *** 5 api-key", redacted);
        Assert.Equal("SASL_SSL, PLAIN as 'api-key'", options.Security.Describe());
        Assert.DoesNotContain("api-secret", string.Join(" ", KafkaSecurityOptionsValidator.Problems(options.Security, "Kafka:Security")), StringComparison.Ordinal);
    }
}
