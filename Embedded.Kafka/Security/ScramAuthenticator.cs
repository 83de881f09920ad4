using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// The server side of SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677): two client messages. The server's salted
/// credentials are derived from the configured password on the spot (a real broker stores them instead).
/// </summary>
internal sealed class ScramAuthenticator(IReadOnlyDictionary<string, string> users, HashAlgorithmName hash, string mechanism) : SaslAuthenticator
{
    private const int Iterations = 4096;
    private string? _clientFirstBare;
    private string? _serverFirst;
    private string? _nonce;
    private string? _password;
    private byte[]? _salt;

    public override byte[] Step(ReadOnlySpan<byte> clientMessage)
    {
        var message = Encoding.UTF8.GetString(clientMessage);
        return Encoding.UTF8.GetBytes(_serverFirst is null ? ClientFirst(message) : ClientFinal(message));
    }

    private string ClientFirst(string message)
    {
        // gs2-header ("n,," or "n,a=authzid,") then client-first-message-bare ("n=user,r=nonce[,...]").
        var secondComma = message.IndexOf(',', message.IndexOf(',', StringComparison.Ordinal) + 1);
        if (!message.StartsWith("n,", StringComparison.Ordinal) || secondComma < 0)
            throw Refused("the client-first message is malformed");
        _clientFirstBare = message[(secondComma + 1)..];
        var attributes = Attributes(_clientFirstBare);
        if (!attributes.TryGetValue('n', out var name) || !attributes.TryGetValue('r', out var clientNonce) || clientNonce.Length == 0)
            throw Refused("the client-first message lacks a user or a nonce");
        var user = name.Replace("=2C", ",", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        if (!users.TryGetValue(user, out _password))
            throw Refused(null);

        _nonce = clientNonce + Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        _salt = RandomNumberGenerator.GetBytes(16);
        _serverFirst = string.Create(CultureInfo.InvariantCulture, $"r={_nonce},s={Convert.ToBase64String(_salt)},i={Iterations}");
        return _serverFirst;
    }

    private string ClientFinal(string message)
    {
        if (Succeeded)
            throw Refused("the exchange is already complete");
        // client-final-message: "c=biws,r=nonce,p=proof"; the proof is signed over everything before ",p=".
        var proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
            throw Refused("the client-final message has no proof");
        var withoutProof = message[..proofAt];
        var attributes = Attributes(withoutProof);
        if (!attributes.TryGetValue('r', out var nonce) || nonce != _nonce)
            throw Refused("the nonce does not match");
        byte[] proof;
        try
        {
            proof = Convert.FromBase64String(message[(proofAt + 3)..]);
        }
        catch (FormatException)
        {
            throw Refused("the proof is not base64");
        }

        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password!), _salt!, Iterations, hash, HashLength);
        var storedKey = Hash(Hmac(salted, "Client Key"u8));
        var clientSignature = Hmac(storedKey, authMessage);
        if (proof.Length != clientSignature.Length)
            throw Refused(null);
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        if (!CryptographicOperations.FixedTimeEquals(Hash(clientKey), storedKey))
            throw Refused(null);

        Succeeded = true;
        var serverSignature = Hmac(Hmac(salted, "Server Key"u8), authMessage);
        return "v=" + Convert.ToBase64String(serverSignature);
    }

    private int HashLength => hash == HashAlgorithmName.SHA512 ? 64 : 32;

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);

    private byte[] Hash(byte[] data) => hash == HashAlgorithmName.SHA512 ? SHA512.HashData(data) : SHA256.HashData(data);

    private static Dictionary<char, string> Attributes(string message) =>
        message.Split(',').Where(a => a.Length >= 2 && a[1] == '=').GroupBy(a => a[0]).ToDictionary(g => g.Key, g => g.First()[2..]);

    /// <summary>Kafka's words for a refused SCRAM exchange; the detail only for malformed messages, never about the user.</summary>
    private SaslAuthenticationFailedException Refused(string? malformed) => new(malformed is null
        ? $"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}"
        : $"Authentication failed: {malformed} ({mechanism})");
}
