using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Security;

/// <summary>
/// How every Kafka client of the provider (partition consumers, the producer, the metadata client) connects to a
/// secured cluster: TLS, SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER) and mutual TLS, set once. Binds from
/// configuration (section <c>Kafka:Security</c> of a host that binds the stream provider's <c>KafkaStreamOptions</c> from
/// <c>Kafka</c>; environment variables such as <c>Kafka__Security__SaslPassword</c>). Empty: plaintext, as
/// librdkafka's default.
/// </summary>
/// <remarks>
/// Values take librdkafka's spelling (<c>SASL_SSL</c>, <c>SCRAM-SHA-512</c>) or .NET's (<c>SaslSsl</c>,
/// <c>ScramSha512</c>), in any case. Secrets (<see cref="SaslPassword"/>, <see cref="SslKeyPassword"/>,
/// <see cref="OAuthBearerClientSecret"/>) are never part of a message the provider writes: see <see cref="Redact"/>.
/// </remarks>
public sealed class KafkaSecurityOptions
{
    /// <summary>
    /// <c>security.protocol</c>: <c>PLAINTEXT</c> (empty), <c>SSL</c> (TLS, and mutual TLS with a client certificate),
    /// <c>SASL_PLAINTEXT</c> or <c>SASL_SSL</c> (what managed services use).
    /// </summary>
    public string Protocol { get; set; } = "";

    /// <summary><c>sasl.mechanism</c>: <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c> or <c>OAUTHBEARER</c>. Required with a SASL protocol.</summary>
    public string SaslMechanism { get; set; } = "";

    /// <summary><c>sasl.username</c> for PLAIN and SCRAM (Confluent Cloud: the API key; Event Hubs: <c>$ConnectionString</c>).</summary>
    public string SaslUsername { get; set; } = "";

    /// <summary><c>sasl.password</c> for PLAIN and SCRAM (Confluent Cloud: the API secret; Event Hubs: the connection string). A secret.</summary>
    public string SaslPassword { get; set; } = "";

    /// <summary>
    /// <c>ssl.ca.location</c>: PEM file (or directory) of the certificate authorities that signed the brokers'
    /// certificates; <c>probe</c> looks in the usual system places. Empty: librdkafka's built-in default.
    /// </summary>
    public string SslCaLocation { get; set; } = "";

    /// <summary><c>ssl.certificate.location</c>: this client's certificate (PEM) for mutual TLS; goes with <see cref="SslKeyLocation"/>.</summary>
    public string SslCertificateLocation { get; set; } = "";

    /// <summary><c>ssl.key.location</c>: the private key (PEM) of <see cref="SslCertificateLocation"/>.</summary>
    public string SslKeyLocation { get; set; } = "";

    /// <summary><c>ssl.key.password</c>: the password of an encrypted <see cref="SslKeyLocation"/>. A secret.</summary>
    public string SslKeyPassword { get; set; } = "";

    /// <summary>
    /// <c>sasl.oauthbearer.method</c> for OAUTHBEARER: <c>oidc</c> (librdkafka fetches tokens from
    /// <see cref="OAuthBearerTokenEndpointUrl"/> with a client id and secret), or empty when
    /// <see cref="OAuthBearerTokenRefreshHandler"/> supplies the tokens (Amazon MSK IAM, any custom token source).
    /// </summary>
    public string OAuthBearerMethod { get; set; } = "";

    /// <summary><c>sasl.oauthbearer.client.id</c> (method <c>oidc</c>).</summary>
    public string OAuthBearerClientId { get; set; } = "";

    /// <summary><c>sasl.oauthbearer.client.secret</c> (method <c>oidc</c>). A secret.</summary>
    public string OAuthBearerClientSecret { get; set; } = "";

    /// <summary><c>sasl.oauthbearer.token.endpoint.url</c> (method <c>oidc</c>).</summary>
    public string OAuthBearerTokenEndpointUrl { get; set; } = "";

    /// <summary><c>sasl.oauthbearer.scope</c> (method <c>oidc</c>, optional).</summary>
    public string OAuthBearerScope { get; set; } = "";

    /// <summary>
    /// <c>sasl.oauthbearer.extensions</c> (method <c>oidc</c>, optional): <c>key=value</c> pairs separated by commas,
    /// such as Confluent Cloud's <c>logicalCluster=lkc-abc12,identityPoolId=pool-xyz</c>.
    /// </summary>
    public string OAuthBearerExtensions { get; set; } = "";

    /// <summary>
    /// Code only: supplies OAUTHBEARER tokens for every client of the provider. librdkafka calls it with the client
    /// and <c>sasl.oauthbearer.config</c> whenever a token is needed or about to expire; it answers with
    /// <c>client.OAuthBearerSetToken(token, lifetimeMs, principal)</c> or <c>client.OAuthBearerSetTokenFailure(reason)</c>.
    /// Amazon MSK's IAM authentication works this way (AWS's signer library makes the token).
    /// </summary>
    public Action<IClient, string>? OAuthBearerTokenRefreshHandler { get; set; }

    /// <summary>
    /// Further librdkafka settings for every client (e.g. <c>ssl.endpoint.identification.algorithm</c>,
    /// <c>sasl.oauthbearer.config</c>), applied after the properties above. Values of keys that name a password, secret,
    /// key or credentials are treated as secrets.
    /// </summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The protocol, understood; null when <see cref="Protocol"/> is not one (see <see cref="KafkaSecurityOptionsValidator"/>).</summary>
    public SecurityProtocol? ParsedProtocol => string.IsNullOrWhiteSpace(Protocol) ? SecurityProtocol.Plaintext : Parse<SecurityProtocol>(Protocol);

    /// <summary>The SASL mechanism, understood; null when none is set or <see cref="SaslMechanism"/> is not one.</summary>
    public SaslMechanism? ParsedSaslMechanism => string.IsNullOrWhiteSpace(SaslMechanism) ? null : Parse<SaslMechanism>(SaslMechanism);

    /// <summary>
    /// The OAUTHBEARER method, understood: <see cref="SaslOauthbearerMethod.Default"/> when none is set (tokens from
    /// <see cref="OAuthBearerTokenRefreshHandler"/>); null when <see cref="OAuthBearerMethod"/> is not one.
    /// </summary>
    public SaslOauthbearerMethod? ParsedOAuthBearerMethod =>
        string.IsNullOrWhiteSpace(OAuthBearerMethod) ? SaslOauthbearerMethod.Default : Parse<SaslOauthbearerMethod>(OAuthBearerMethod);

    /// <summary>Whether anything is set, so that a plaintext setup stays exactly what it was.</summary>
    public bool IsConfigured =>
        new[]
        {
            Protocol, SaslMechanism, SaslUsername, SaslPassword, SslCaLocation, SslCertificateLocation, SslKeyLocation,
            SslKeyPassword, OAuthBearerMethod, OAuthBearerClientId, OAuthBearerClientSecret, OAuthBearerTokenEndpointUrl,
            OAuthBearerScope, OAuthBearerExtensions,
        }.Any(v => !string.IsNullOrWhiteSpace(v)) || Settings.Count > 0 || OAuthBearerTokenRefreshHandler is not null;

    /// <summary>Sets the security properties on a librdkafka client configuration (consumer, producer or admin).</summary>
    public void ApplyTo(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!string.IsNullOrWhiteSpace(Protocol))
            config.SecurityProtocol = ParsedProtocol ?? throw new InvalidOperationException($"Kafka security: unknown protocol '{Protocol}'.");
        if (ParsedSaslMechanism is { } mechanism)
            config.SaslMechanism = mechanism;
        Set(config, "sasl.username", SaslUsername);
        Set(config, "sasl.password", SaslPassword);
        Set(config, "ssl.ca.location", SslCaLocation);
        Set(config, "ssl.certificate.location", SslCertificateLocation);
        Set(config, "ssl.key.location", SslKeyLocation);
        Set(config, "ssl.key.password", SslKeyPassword);
        if (!string.IsNullOrWhiteSpace(OAuthBearerMethod))
            config.SaslOauthbearerMethod = ParsedOAuthBearerMethod ?? throw new InvalidOperationException($"Kafka security: unknown OAUTHBEARER method '{OAuthBearerMethod}'.");
        Set(config, "sasl.oauthbearer.client.id", OAuthBearerClientId);
        Set(config, "sasl.oauthbearer.client.secret", OAuthBearerClientSecret);
        Set(config, "sasl.oauthbearer.token.endpoint.url", OAuthBearerTokenEndpointUrl);
        Set(config, "sasl.oauthbearer.scope", OAuthBearerScope);
        Set(config, "sasl.oauthbearer.extensions", OAuthBearerExtensions);
        foreach (var (key, value) in Settings)
            config.Set(key, value);
    }

    /// <summary>Sets the token refresh handler, if any, on a consumer builder.</summary>
    public ConsumerBuilder<TKey, TValue> ApplyTo<TKey, TValue>(ConsumerBuilder<TKey, TValue> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return OAuthBearerTokenRefreshHandler is { } refresh ? builder.SetOAuthBearerTokenRefreshHandler((client, config) => refresh(client, config)) : builder;
    }

    /// <summary>Sets the token refresh handler, if any, on a producer builder.</summary>
    public ProducerBuilder<TKey, TValue> ApplyTo<TKey, TValue>(ProducerBuilder<TKey, TValue> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return OAuthBearerTokenRefreshHandler is { } refresh ? builder.SetOAuthBearerTokenRefreshHandler((client, config) => refresh(client, config)) : builder;
    }

    /// <summary>Sets the token refresh handler, if any, on an admin client builder.</summary>
    public AdminClientBuilder ApplyTo(AdminClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return OAuthBearerTokenRefreshHandler is { } refresh ? builder.SetOAuthBearerTokenRefreshHandler((client, config) => refresh(client, config)) : builder;
    }

    /// <summary>The secret values that are set (passwords, client secret, secret-looking <see cref="Settings"/>).</summary>
    public IEnumerable<string> Secrets()
    {
        foreach (var secret in new[] { SaslPassword, SslKeyPassword, OAuthBearerClientSecret })
        {
            if (!string.IsNullOrEmpty(secret))
                yield return secret;
        }

        foreach (var (key, value) in Settings)
        {
            if (KafkaSecretRedaction.IsSecretKey(key) && !string.IsNullOrEmpty(value))
                yield return value;
        }
    }

    /// <summary>
    /// <paramref name="text"/> with every secret of these settings replaced by <c>***</c>: for messages that may repeat
    /// what a client was given (librdkafka's errors and logs, exceptions).
    /// </summary>
    public string Redact(string text) => KafkaSecretRedaction.Redact(text, Secrets());

    /// <summary>One line for logs: the protocol, mechanism, user and files, never a secret (<c>SASL_SSL, SCRAM-SHA-512 as 'app'</c>).</summary>
    public string Describe()
    {
        var parts = new List<string> { ParsedProtocol is { } p ? Name(p) : Protocol };
        if (ParsedSaslMechanism is { } mechanism)
            parts.Add(Name(mechanism) + (string.IsNullOrWhiteSpace(SaslUsername) ? "" : $" as '{SaslUsername}'"));
        if (!string.IsNullOrWhiteSpace(OAuthBearerMethod))
            parts.Add($"token method {OAuthBearerMethod}" + (string.IsNullOrWhiteSpace(OAuthBearerTokenEndpointUrl) ? "" : $" from {OAuthBearerTokenEndpointUrl}"));
        else if (OAuthBearerTokenRefreshHandler is not null)
            parts.Add("tokens from a refresh handler");
        if (!string.IsNullOrWhiteSpace(SslCaLocation))
            parts.Add($"CA {SslCaLocation}");
        if (!string.IsNullOrWhiteSpace(SslCertificateLocation))
            parts.Add($"client certificate {SslCertificateLocation}");
        return string.Join(", ", parts);
    }

    /// <summary>librdkafka's name of a protocol (<c>SASL_SSL</c>).</summary>
    public static string Name(SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Plaintext => "PLAINTEXT",
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => protocol.ToString(),
    };

    /// <summary>librdkafka's name of a mechanism (<c>SCRAM-SHA-512</c>).</summary>
    public static string Name(SaslMechanism mechanism) => mechanism switch
    {
        Confluent.Kafka.SaslMechanism.Plain => "PLAIN",
        Confluent.Kafka.SaslMechanism.ScramSha256 => "SCRAM-SHA-256",
        Confluent.Kafka.SaslMechanism.ScramSha512 => "SCRAM-SHA-512",
        Confluent.Kafka.SaslMechanism.OAuthBearer => "OAUTHBEARER",
        Confluent.Kafka.SaslMechanism.Gssapi => "GSSAPI",
        _ => mechanism.ToString(),
    };

    private static void Set(ClientConfig config, string key, string value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            config.Set(key, value);
    }

    /// <summary>Accepts SASL_SSL, sasl_ssl, SaslSsl, SCRAM-SHA-512, ScramSha512, ...</summary>
    private static T? Parse<T>(string text) where T : struct, Enum
    {
        var compact = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return Enum.TryParse<T>(compact, ignoreCase: true, out var value) && Enum.IsDefined(value) && !compact.All(char.IsDigit) ? value : null;
    }
}
