using System.Text;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// SASL OAUTHBEARER (RFC 7628) as Kafka uses it: one message, <c>n,,\x01auth=Bearer TOKEN\x01[key=value\x01]\x01</c>;
/// the token is judged by the configured validator (the embedded Kafka checks no signature: it has no identity provider).
/// </summary>
internal sealed class OAuthBearerAuthenticator(Func<string, bool> validator) : SaslAuthenticator
{
    public override byte[] Step(ReadOnlySpan<byte> clientMessage)
    {
        var fields = Encoding.UTF8.GetString(clientMessage).Split('\x01');
        var auth = fields.FirstOrDefault(f => f.StartsWith("auth=", StringComparison.Ordinal));
        const string Bearer = "auth=Bearer ";
        if (auth is null || !auth.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
            throw new SaslAuthenticationFailedException("Authentication failed: no bearer token in the SASL/OAUTHBEARER message");
        if (!validator(auth[Bearer.Length..].Trim()))
            throw new SaslAuthenticationFailedException("Authentication failed: invalid_token");
        Succeeded = true;
        return [];
    }
}
