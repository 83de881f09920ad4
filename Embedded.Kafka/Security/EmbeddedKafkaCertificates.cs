using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// A throw-away certificate authority with a broker certificate for <c>127.0.0.1</c> / <c>localhost</c> and a client
/// certificate, written as the PEM files librdkafka takes (<c>ssl.ca.location</c>, <c>ssl.certificate.location</c>,
/// <c>ssl.key.location</c>): enough to run clients against <see cref="EmbeddedKafkaSecurity"/> with TLS and mutual TLS,
/// hostname verification included. For tests only: the keys sit unprotected on disk unless a password is given.
/// </summary>
public sealed class EmbeddedKafkaCertificates : IDisposable
{
    private EmbeddedKafkaCertificates(X509Certificate2 authority, X509Certificate2 server, X509Certificate2 client, string directory)
    {
        Authority = authority;
        Server = server;
        Client = client;
        Directory = directory;
    }

    /// <summary>The certificate authority (with its private key): <see cref="EmbeddedKafkaSecurity.ClientCertificateAuthority"/>.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The brokers' certificate (with its private key): <see cref="EmbeddedKafkaSecurity.ServerCertificate"/>.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The client certificate (with its private key), also written to <see cref="ClientCertificatePath"/>.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>Where the PEM files are.</summary>
    public string Directory { get; }

    /// <summary>The authority's certificate, PEM: the client's <c>ssl.ca.location</c>.</summary>
    public string AuthorityPath => Path.Combine(Directory, "ca.pem");

    /// <summary>The client certificate, PEM: <c>ssl.certificate.location</c>.</summary>
    public string ClientCertificatePath => Path.Combine(Directory, "client.pem");

    /// <summary>The client's private key, PEM (PKCS#8, encrypted when a password was given): <c>ssl.key.location</c>.</summary>
    public string ClientKeyPath => Path.Combine(Directory, "client.key");

    /// <summary>Creates the certificates (valid for a day) and writes the PEM files into <paramref name="directory"/>.</summary>
    /// <param name="directory">Where to write <c>ca.pem</c>, <c>client.pem</c> and <c>client.key</c>; created if missing (a temporary directory of the test is the usual choice).</param>
    /// <param name="clientKeyPassword">Encrypts the client key file with this password (<c>ssl.key.password</c>); null: plain.</param>
    public static EmbeddedKafkaCertificates Create(string directory, string? clientKeyPassword = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        System.IO.Directory.CreateDirectory(directory);
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = notBefore.AddDays(1);

        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Embedded Kafka test authority", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authorityEphemeral = authorityRequest.CreateSelfSigned(notBefore, notAfter);
        var authority = Reloaded(authorityEphemeral);

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        var server = Issue(authority, "CN=127.0.0.1", notBefore, notAfter, names.Build(), new Oid("1.3.6.1.5.5.7.3.1"), out _);
        var client = Issue(authority, "CN=embedded-kafka-client", notBefore, notAfter, null, new Oid("1.3.6.1.5.5.7.3.2"), out var clientKey);

        var certificates = new EmbeddedKafkaCertificates(authority, server, client, Path.GetFullPath(directory));
        File.WriteAllText(certificates.AuthorityPath, authority.ExportCertificatePem() + "\n");
        File.WriteAllText(certificates.ClientCertificatePath, client.ExportCertificatePem() + "\n");
        File.WriteAllText(certificates.ClientKeyPath, (clientKeyPassword is null
            ? clientKey.ExportPkcs8PrivateKeyPem()
            : clientKey.ExportEncryptedPkcs8PrivateKeyPem(clientKeyPassword, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000))) + "\n");
        clientKey.Dispose();
        return certificates;
    }

    /// <summary>Disposes the certificates (the files stay: the directory is the caller's).</summary>
    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter,
        X509Extension? alternativeNames, Oid usage, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (alternativeNames is not null)
            request.CertificateExtensions.Add(alternativeNames);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(authority, notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reloaded(withKey);
    }

    /// <summary>
    /// Through PKCS#12 and back: a certificate whose key was created in memory is not always usable by SslStream as a
    /// server certificate (the platform wants a key it loaded itself).
    /// </summary>
    private static X509Certificate2 Reloaded(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
