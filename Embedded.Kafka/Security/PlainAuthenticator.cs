using System.Security.Cryptography;
using System.Text;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>SASL PLAIN (RFC 4616): one message, <c>authzid NUL user NUL password</c>.</summary>
internal sealed class PlainAuthenticator(IReadOnlyDictionary<string, string> users) : SaslAuthenticator
{
    public override byte[] Step(ReadOnlySpan<byte> clientMessage)
    {
        var parts = Encoding.UTF8.GetString(clientMessage).Split('\0');
        if (parts.Length != 3)
            throw new SaslAuthenticationFailedException("Authentication failed: invalid SASL/PLAIN message");
        var (user, password) = (parts[1], parts[2]);
        if (!users.TryGetValue(user, out var expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(expected)))
            throw new SaslAuthenticationFailedException("Authentication failed: Invalid username or password");
        Succeeded = true;
        return [];
    }
}
