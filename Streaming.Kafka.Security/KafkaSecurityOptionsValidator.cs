using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Security;

/// <summary>
/// Every problem of a <see cref="KafkaSecurityOptions"/> at once, each naming its setting and never repeating a secret:
/// the combinations that librdkafka would only refuse on the first connection (a SASL protocol without a mechanism,
/// certificate files that do not exist, an OIDC method without its endpoint, ...).
/// </summary>
/// <remarks>
/// A static class and not an <c>IValidateOptions&lt;KafkaSecurityOptions&gt;</c>: this package depends on
/// Confluent.Kafka alone, and a host that binds the settings as options wraps <see cref="Problems"/> in its own
/// validator (the stream provider checks them as part of its options).
/// </remarks>
public static class KafkaSecurityOptionsValidator
{
    /// <summary>
    /// What is wrong or missing, one message per problem, each naming the setting under <paramref name="prefix"/>
    /// (such as <c>Kafka:Security</c>); empty when the settings make sense.
    /// </summary>
    public static IReadOnlyList<string> Problems(KafkaSecurityOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Problem(string setting, string message) => problems.Add($"{prefix}:{setting} {message}");

        var protocol = options.ParsedProtocol;
        if (protocol is null)
            Problem(nameof(options.Protocol), $"must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got '{options.Protocol}').");
        var mechanism = options.ParsedSaslMechanism;
        var mechanismValid = string.IsNullOrWhiteSpace(options.SaslMechanism)
            || mechanism is SaslMechanism.Plain or SaslMechanism.ScramSha256 or SaslMechanism.ScramSha512 or SaslMechanism.OAuthBearer;
        if (!mechanismValid)
            Problem(nameof(options.SaslMechanism), $"must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (got '{options.SaslMechanism}').");

        var sasl = protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;
        var tls = protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;
        if (protocol is not null && sasl && string.IsNullOrWhiteSpace(options.SaslMechanism))
            Problem(nameof(options.SaslMechanism), $"is required with Protocol {KafkaSecurityOptions.Name(protocol.Value)}: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.");
        if (protocol is not null && !sasl && !string.IsNullOrWhiteSpace(options.SaslMechanism))
            Problem(nameof(options.Protocol), $"is {KafkaSecurityOptions.Name(protocol.Value)}, which does not use SASL, but SaslMechanism is set: use SASL_SSL (or SASL_PLAINTEXT).");

        if (sasl && mechanismValid && mechanism is SaslMechanism.Plain or SaslMechanism.ScramSha256 or SaslMechanism.ScramSha512)
        {
            if (string.IsNullOrWhiteSpace(options.SaslUsername))
                Problem(nameof(options.SaslUsername), $"is required with SaslMechanism {KafkaSecurityOptions.Name(mechanism.Value)}.");
            if (string.IsNullOrEmpty(options.SaslPassword))
                Problem(nameof(options.SaslPassword), $"is required with SaslMechanism {KafkaSecurityOptions.Name(mechanism.Value)}.");
        }
        else if (!string.IsNullOrWhiteSpace(options.SaslUsername) || !string.IsNullOrEmpty(options.SaslPassword))
        {
            Problem(string.IsNullOrWhiteSpace(options.SaslUsername) ? nameof(options.SaslPassword) : nameof(options.SaslUsername),
                "is set but would not be used: it needs a SASL protocol (SASL_SSL or SASL_PLAINTEXT) with SaslMechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.");
        }

        if (sasl && mechanism is SaslMechanism.OAuthBearer)
            OAuthBearerProblems(options, Problem);

        foreach (var (setting, value) in new[]
                 {
                     (nameof(options.SslCaLocation), options.SslCaLocation), (nameof(options.SslCertificateLocation), options.SslCertificateLocation),
                     (nameof(options.SslKeyLocation), options.SslKeyLocation),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
                continue;
            if (protocol is not null && !tls)
                Problem(setting, $"is set but Protocol {KafkaSecurityOptions.Name(protocol.Value)} does not use TLS: use SSL or SASL_SSL.");
            else if (!(setting == nameof(options.SslCaLocation) && value == "probe") && !File.Exists(value) && !Directory.Exists(value))
                Problem(setting, $"names '{value}', which does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.SslCertificateLocation) != string.IsNullOrWhiteSpace(options.SslKeyLocation))
            Problem(string.IsNullOrWhiteSpace(options.SslKeyLocation) ? nameof(options.SslKeyLocation) : nameof(options.SslCertificateLocation),
                "is required too: mutual TLS needs both the client certificate (SslCertificateLocation) and its key (SslKeyLocation).");
        if (!string.IsNullOrEmpty(options.SslKeyPassword) && string.IsNullOrWhiteSpace(options.SslKeyLocation))
            Problem(nameof(options.SslKeyPassword), "is set but SslKeyLocation is not: the password opens the client key of mutual TLS.");
        return problems;
    }

    private static void OAuthBearerProblems(KafkaSecurityOptions options, Action<string, string> problem)
    {
        var method = options.ParsedOAuthBearerMethod;
        if (method is null)
        {
            problem(nameof(options.OAuthBearerMethod), $"must be 'oidc' or empty (got '{options.OAuthBearerMethod}').");
            return;
        }

        if (method == SaslOauthbearerMethod.Oidc)
        {
            foreach (var (setting, value) in new[]
                     {
                         (nameof(options.OAuthBearerClientId), options.OAuthBearerClientId), (nameof(options.OAuthBearerClientSecret), options.OAuthBearerClientSecret),
                         (nameof(options.OAuthBearerTokenEndpointUrl), options.OAuthBearerTokenEndpointUrl),
                     })
            {
                if (string.IsNullOrWhiteSpace(value))
                    problem(setting, "is required with SaslMechanism OAUTHBEARER and OAuthBearerMethod oidc.");
            }
        }
        else if (options.OAuthBearerTokenRefreshHandler is null && !options.Settings.ContainsKey("enable.sasl.oauthbearer.unsecure.jwt"))
        {
            // Without oidc librdkafka has no way to get a token but the handler (or its unsecured test tokens).
            problem(nameof(options.OAuthBearerMethod), "must be 'oidc' (with OAuthBearerClientId, OAuthBearerClientSecret and OAuthBearerTokenEndpointUrl) " +
                "for SaslMechanism OAUTHBEARER, unless the host sets OAuthBearerTokenRefreshHandler in code (as Amazon MSK IAM needs).");
        }
    }
}
