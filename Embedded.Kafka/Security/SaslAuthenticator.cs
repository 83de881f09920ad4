using Confluent.Kafka;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>The server side of one SASL exchange: each client message gets a response, until it succeeds or fails.</summary>
internal abstract class SaslAuthenticator
{
    /// <summary>Set once the client proved who it is.</summary>
    public bool Succeeded { get; protected set; }

    /// <summary>
    /// Takes the client's next message and answers it (possibly with nothing); throws
    /// <see cref="SaslAuthenticationFailedException"/> when the client is refused.
    /// </summary>
    public abstract byte[] Step(ReadOnlySpan<byte> clientMessage);

    public static SaslAuthenticator For(SaslMechanism mechanism, EmbeddedKafkaSecurity security) => mechanism switch
    {
        SaslMechanism.Plain => new PlainAuthenticator(security.Users),
        SaslMechanism.ScramSha256 => new ScramAuthenticator(security.Users, System.Security.Cryptography.HashAlgorithmName.SHA256, "SCRAM-SHA-256"),
        SaslMechanism.ScramSha512 => new ScramAuthenticator(security.Users, System.Security.Cryptography.HashAlgorithmName.SHA512, "SCRAM-SHA-512"),
        SaslMechanism.OAuthBearer => new OAuthBearerAuthenticator(security.OAuthBearerTokenValidator!),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not offered by the embedded Kafka"),
    };
}

/// <summary>A refused SASL exchange; the message is what the broker tells the client (as Kafka's own, never a secret).</summary>
internal sealed class SaslAuthenticationFailedException(string message) : Exception(message);
