using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// Makes the embedded Kafka a secured cluster, as managed services are: TLS (with or without client certificates) and
/// SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER, terminated by a gateway in front of each mock broker (the
/// mock speaks neither). Clients configure themselves exactly as for a real cluster.
/// </summary>
public sealed record EmbeddedKafkaSecurity
{
    /// <summary>What clients must speak: <see cref="SecurityProtocol.SaslPlaintext"/>, <see cref="SecurityProtocol.SaslSsl"/> or <see cref="SecurityProtocol.Ssl"/>.</summary>
    public SecurityProtocol Protocol { get; init; } = SecurityProtocol.SaslPlaintext;

    /// <summary>User names and passwords accepted by PLAIN and SCRAM.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The SASL mechanisms offered: PLAIN and SCRAM by default, OAUTHBEARER when <see cref="OAuthBearerTokenValidator"/>
    /// is set. A client asking for another one is refused, as a broker refuses it.
    /// </summary>
    public IReadOnlyList<SaslMechanism> Mechanisms { get; init; } = [SaslMechanism.Plain, SaslMechanism.ScramSha256, SaslMechanism.ScramSha512];

    /// <summary>Accepts or refuses an OAUTHBEARER token (the bearer token a client's token refresh handler set).</summary>
    public Func<string, bool>? OAuthBearerTokenValidator { get; init; }

    /// <summary>The brokers' certificate, with its private key (TLS protocols); see <see cref="EmbeddedKafkaCertificates"/>.</summary>
    public X509Certificate2? ServerCertificate { get; init; }

    /// <summary>
    /// When set, TLS clients must present a certificate signed by this authority (mutual TLS); a client without one is
    /// refused during the TLS handshake.
    /// </summary>
    public X509Certificate2? ClientCertificateAuthority { get; init; }

    /// <summary>The mechanisms a SaslHandshake answer lists.</summary>
    internal IReadOnlyList<SaslMechanism> OfferedMechanisms =>
        OAuthBearerTokenValidator is null || Mechanisms.Contains(SaslMechanism.OAuthBearer) ? Mechanisms : [.. Mechanisms, SaslMechanism.OAuthBearer];

    /// <summary>The offered mechanisms by their SASL names (<c>SCRAM-SHA-256</c>), for messages.</summary>
    public IEnumerable<string> OfferedMechanismNames => OfferedMechanisms.Select(SecureConnection.NameOf);

    internal bool UsesTls => Protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;

    internal bool UsesSasl => Protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;

    internal void Validate()
    {
        if (Protocol == SecurityProtocol.Plaintext)
            throw new ArgumentException("EmbeddedKafkaSecurity.Protocol PLAINTEXT secures nothing: leave EmbeddedKafkaOptions.Security unset instead.");
        if (UsesTls && ServerCertificate is not { HasPrivateKey: true })
            throw new ArgumentException($"EmbeddedKafkaSecurity.ServerCertificate (with its private key) is required with {Protocol}.");
        if (!UsesTls && ClientCertificateAuthority is not null)
            throw new ArgumentException($"EmbeddedKafkaSecurity.ClientCertificateAuthority needs a TLS protocol (got {Protocol}).");
        if (UsesSasl && Mechanisms.Count == 0)
            throw new ArgumentException("EmbeddedKafkaSecurity.Mechanisms offers no SASL mechanism.");
        if (UsesSasl && Mechanisms.Contains(SaslMechanism.OAuthBearer) && OAuthBearerTokenValidator is null)
            throw new ArgumentException("EmbeddedKafkaSecurity.OAuthBearerTokenValidator is required to offer OAUTHBEARER.");
        if (UsesSasl && Mechanisms.Contains(SaslMechanism.Gssapi))
            throw new ArgumentException("EmbeddedKafkaSecurity cannot offer GSSAPI (Kerberos).");
    }
}
