using Confluent.Kafka;

namespace Segmenter.Cli;

/// <summary>
/// Checks, before a command starts its work, that Kafka and the schema registry answer, so that a wrong address ends
/// at once with exit code 3 and a message naming it, instead of librdkafka retrying quietly forever.
/// </summary>
public static class EndpointProbe
{
    public static async Task EnsureReachableAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        await EnsureKafkaAsync(settings, cancellationToken);
        await EnsureSchemaRegistryAsync(settings, cancellationToken);
    }

    public static async Task EnsureKafkaAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        string? problem = null;
        await Task.Run(() =>
        {
            using var admin = new AdminClientBuilder(settings.Kafka(new AdminClientConfig
            {
                SocketConnectionSetupTimeoutMs = (int)Math.Max(1, settings.ConnectTimeout.TotalMilliseconds),
            })).SetLogHandler((_, _) => { }).SetErrorHandler((_, error) => problem ??= error.Reason).Build();
            try
            {
                admin.GetMetadata(settings.ConnectTimeout);
            }
            catch (KafkaException e)
            {
                throw CommandFailedException.Unreachable(
                    settings.Redact($"Cannot reach Kafka at {settings.BootstrapServers} within {DurationText.Format(settings.ConnectTimeout)}: {problem ?? e.Error.Reason}"), e);
            }
        }, cancellationToken);
    }

    public static async Task EnsureSchemaRegistryAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = settings.ConnectTimeout };
        if (settings.Registry.AuthorizationHeader() is { } authorization)
            http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        try
        {
            using var response = await http.GetAsync(new Uri($"{settings.SchemaRegistryUrl}/subjects"), cancellationToken);
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
                throw CommandFailedException.Unreachable(
                    $"The schema registry at {settings.SchemaRegistryUrl} refused the credentials ({(int)response.StatusCode} {response.ReasonPhrase}): "
                    + (settings.SchemaRegistryUserInfo.Length == 0
                        ? "it requires authentication; give --schema-registry-user-info user:password, or SchemaRegistry__BasicAuthUserInfo."
                        : $"check the password of '{settings.Registry.User}'."));
            if (!response.IsSuccessStatusCode)
                throw CommandFailedException.Unreachable(
                    $"The schema registry at {settings.SchemaRegistryUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} to GET /subjects.");
        }
        catch (Exception e) when (e is HttpRequestException or UriFormatException or InvalidOperationException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw CommandFailedException.Unreachable(settings.Redact($"Cannot reach the schema registry at {settings.SchemaRegistryUrl}: {e.Message}"), e);
        }
    }
}
