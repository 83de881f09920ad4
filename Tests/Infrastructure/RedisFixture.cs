using Segmenter.Embedded.Redis;
using StackExchange.Redis;

namespace Segmenter.Tests.Infrastructure;

/// <summary>A real redis-server child process (installed by test.sh), shared by a test collection.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServerProcess? _server;
    private ConnectionMultiplexer? _connection;

    public RedisServerProcess Server => _server ?? throw new InvalidOperationException("Redis has not started.");

    public string ConnectionString => Server.ConnectionString;

    public IDatabase Database => (_connection ?? throw new InvalidOperationException("Redis has not started.")).GetDatabase();

    /// <summary>Every key matching <paramref name="pattern"/>.</summary>
    public IReadOnlyList<string> Keys(string pattern) =>
        [.. _connection!.GetServer(_connection.GetEndPoints()[0]).Keys(pattern: pattern).Select(k => k.ToString())];

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync();
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
