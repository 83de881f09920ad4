namespace Segmenter.Embedded.Redis;

/// <summary>No <c>redis-server</c> binary: says how to get one.</summary>
public sealed class RedisServerNotFoundException : Exception
{
    public RedisServerNotFoundException()
        : base("redis-server was not found on PATH. Install it (Debian/Ubuntu: 'sudo apt-get install redis-server'; " +
               "macOS: 'brew install redis'), or give a Redis connection string (Redis:ConnectionString) to use a running server.")
    {
    }

    public RedisServerNotFoundException(string message)
        : base(message)
    {
    }

    public RedisServerNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
