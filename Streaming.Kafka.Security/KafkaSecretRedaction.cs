namespace Segmenter.Streaming.Kafka.Security;

/// <summary>
/// Keeps secrets out of messages: librdkafka's errors and logs, exceptions and configuration problems may repeat what
/// a client was given, and logs travel further than configuration does.
/// </summary>
public static class KafkaSecretRedaction
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    // Parts of librdkafka (and schema registry) setting names whose values are secrets: sasl.password, ssl.key.password,
    // ssl.keystore.password, sasl.oauthbearer.client.secret, ssl.key.pem, sasl.oauthbearer.config (may carry tokens),
    // basic.auth.user.info, sasl.jaas.config.
    private static readonly string[] SecretKeyParts = ["password", "secret", "key.pem", "oauthbearer.config", "user.info", "jaas"];

    /// <summary>Whether the value of a client setting named <paramref name="key"/> is a secret (<c>sasl.password</c>, ...).</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SecretKeyParts.Any(part => key.Contains(part, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="text"/> with every occurrence of each secret replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string text, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (string.IsNullOrEmpty(text))
            return text;
        // Longest first, so that a secret containing another is masked whole.
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The secret values among client settings (by <see cref="IsSecretKey"/>).</summary>
    public static IEnumerable<string> SecretsOf(IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Where(s => IsSecretKey(s.Key) && !string.IsNullOrEmpty(s.Value)).Select(s => s.Value);
    }
}
