using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// One client of a secured broker: the TLS handshake (client certificate checked against the configured authority),
/// then the SASL exchange a Kafka broker runs (ApiVersions, SaslHandshake, SaslAuthenticate), answered here; only then
/// are bytes piped to and from the mock broker. A client that fails either never reaches the broker.
/// </summary>
internal sealed class SecureConnection(Socket client, IPEndPoint target, EmbeddedKafkaSecurity security) : IDisposable
{
    private readonly Socket _upstream = new(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    private int _aborted;

    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Runs the connection until either side ends it; false when the client was refused.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        client.NoDelay = true;
        _upstream.NoDelay = true;
        await _upstream.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
        await using var upstream = new NetworkStream(_upstream, ownsSocket: false);
        Stream clientStream = new NetworkStream(client, ownsSocket: false);
        await using var tls = security.UsesTls ? new SslStream(clientStream, leaveInnerStreamOpen: false) : null;
        if (tls is not null)
        {
            clientStream = tls;
            var rejected = false;
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = security.ServerCertificate,
                    ClientCertificateRequired = security.ClientCertificateAuthority is not null,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        var trusted = IsTrustedClient(certificate);
                        rejected |= !trusted;
                        return trusted;
                    },
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                // Refused only when this broker rejected the client's certificate: a client that hung up mid-handshake
                // (librdkafka closes a connection it no longer needs when it is disposed), or that did not trust ours,
                // was not refused here, as with SASL below.
                return !rejected;
            }
        }

        if (security.UsesSasl)
        {
            switch (await AuthenticateAsync(clientStream, upstream, cancellationToken).ConfigureAwait(false))
            {
                case SaslOutcome.Refused:
                    return false;
                case SaslOutcome.Left:
                    // The client hung up before proving who it is (librdkafka closes a connection it no longer
                    // needs mid-handshake when it is disposed): nobody was refused.
                    return true;
            }
        }

        // Either side ending ends both: Kafka clients never half-close.
        var up = clientStream.CopyToAsync(upstream, cancellationToken);
        var down = upstream.CopyToAsync(clientStream, cancellationToken);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        Abort();
        await Task.WhenAll(up, down).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return true;
    }

    /// <summary>Closes both sockets (idempotent); the client side with RST, so a fixed port never waits in TIME_WAIT.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
            return;
        try
        {
            client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        client.Dispose();
        _upstream.Dispose();
    }

    public void Dispose() => Abort();

    private bool IsTrustedClient(X509Certificate? certificate)
    {
        if (security.ClientCertificateAuthority is not { } authority)
            return true; // server-only TLS: no client certificate is asked for
        if (certificate is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    private enum SaslOutcome
    {
        Authenticated,
        Refused,
        Left,
    }

    /// <summary>The broker's side of SASL: authenticated, refused by the gateway, or ended by the client (or broker) first.</summary>
    private async Task<SaslOutcome> AuthenticateAsync(Stream clientStream, Stream upstream, CancellationToken cancellationToken)
    {
        SaslAuthenticator? authenticator = null;
        var offered = security.OfferedMechanisms;
        while (await KafkaFrames.ReadAsync(clientStream, cancellationToken).ConfigureAwait(false) is { } request)
        {
            var header = KafkaFrames.Header(request);
            switch (header.ApiKey)
            {
                case KafkaFrames.ApiVersionsKey when header.ApiVersion > KafkaFrames.MaxApiVersionsVersion:
                    await KafkaFrames.WriteAsync(clientStream, KafkaFrames.ApiVersionsUnsupported(header.CorrelationId), cancellationToken).ConfigureAwait(false);
                    break;

                case KafkaFrames.ApiVersionsKey:
                    await KafkaFrames.WriteAsync(upstream, request, cancellationToken).ConfigureAwait(false);
                    if (await KafkaFrames.ReadAsync(upstream, cancellationToken).ConfigureAwait(false) is not { } versions)
                        return SaslOutcome.Left; // the broker went away: not the client's fault
                    await KafkaFrames.WriteAsync(clientStream, KafkaFrames.WithSasl(versions), cancellationToken).ConfigureAwait(false);
                    break;

                case KafkaFrames.SaslHandshakeKey:
                    var name = KafkaFrames.Mechanism(request, header);
                    var mechanism = offered.Cast<SaslMechanism?>().FirstOrDefault(m => NameOf(m!.Value) == name);
                    var names = offered.Select(NameOf).ToList();
                    if (mechanism is null || header.ApiVersion != 1)
                    {
                        // Unknown mechanism (or the pre-SaslAuthenticate framing of v0): refused, as a broker does.
                        await KafkaFrames.WriteAsync(clientStream, KafkaFrames.HandshakeResponse(header.CorrelationId,
                            mechanism is null ? KafkaFrames.UnsupportedSaslMechanism : KafkaFrames.UnsupportedVersion, names), cancellationToken).ConfigureAwait(false);
                        return SaslOutcome.Refused;
                    }

                    authenticator = SaslAuthenticator.For(mechanism.Value, security);
                    await KafkaFrames.WriteAsync(clientStream, KafkaFrames.HandshakeResponse(header.CorrelationId, KafkaFrames.NoError, names), cancellationToken).ConfigureAwait(false);
                    break;

                case KafkaFrames.SaslAuthenticateKey when authenticator is not null:
                    byte[] answer;
                    try
                    {
                        answer = authenticator.Step(KafkaFrames.AuthBytes(request, header));
                    }
                    catch (SaslAuthenticationFailedException e)
                    {
                        await KafkaFrames.WriteAsync(clientStream, KafkaFrames.AuthenticateResponse(header.CorrelationId, header.ApiVersion,
                            KafkaFrames.SaslAuthenticationFailed, e.Message, []), cancellationToken).ConfigureAwait(false);
                        return SaslOutcome.Refused;
                    }

                    await KafkaFrames.WriteAsync(clientStream, KafkaFrames.AuthenticateResponse(header.CorrelationId, header.ApiVersion,
                        KafkaFrames.NoError, null, answer), cancellationToken).ConfigureAwait(false);
                    if (authenticator.Succeeded)
                        return SaslOutcome.Authenticated;
                    break;

                default:
                    // Anything else before authentication completed: a broker drops such a client.
                    return SaslOutcome.Refused;
            }
        }

        return SaslOutcome.Left;
    }

    /// <summary>The mechanism as SaslHandshake names it.</summary>
    internal static string NameOf(SaslMechanism mechanism) => mechanism switch
    {
        SaslMechanism.Plain => "PLAIN",
        SaslMechanism.ScramSha256 => "SCRAM-SHA-256",
        SaslMechanism.ScramSha512 => "SCRAM-SHA-512",
        SaslMechanism.OAuthBearer => "OAUTHBEARER",
        _ => mechanism.ToString().ToUpperInvariant(),
    };
}
