using StackExchange.Redis;

namespace Segmenter.Persistence.Redis;

/// <summary>
/// The silo's one connection to the Redis that holds device state and deadline indexes, opened on first use (the
/// multiplexer reconnects by itself after an outage).
/// </summary>
public sealed class RedisConnection(string connectionString) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => Connect(connectionString), LazyThreadSafetyMode.ExecutionAndPublication);

    public async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
            await _connection.Value.Result.DisposeAsync();
    }

    private static Task<ConnectionMultiplexer> Connect(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        // Keep retrying in the background through an outage instead of failing the first caller for good.
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
