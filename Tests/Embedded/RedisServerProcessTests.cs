using Segmenter.Embedded.Redis;

namespace Segmenter.Tests.Embedded;

/// <summary>The embedded profile's redis-server on a data directory that a crash or a careless copy left damaged.</summary>
public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task A_damaged_data_directory_is_named_with_what_to_do()
    {
        var data = Directory.CreateTempSubdirectory("segmenter-damaged-").FullName;
        try
        {
            // A manifest whose files are missing: what a repository once shipped, and what a half-copied directory looks like.
            Directory.CreateDirectory(Path.Combine(data, "appendonlydir"));
            await File.WriteAllTextAsync(Path.Combine(data, "appendonlydir", "appendonly.aof.manifest"),
                "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisServerProcess.StartAsync(dataDirectory: data, persistent: true));

            Assert.Contains(data, error.Message, StringComparison.Ordinal);
            Assert.Contains("damaged or incomplete", error.Message, StringComparison.Ordinal);
            Assert.Contains("move the directory away", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
