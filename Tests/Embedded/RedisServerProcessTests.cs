using Segmenter.Embedded.Redis;

namespace Segmenter.Tests.Embedded;

/// <summary>The embedded profile's redis-server on a data directory that a crash or a careless copy left damaged.</summary>
public sealed class RedisServerProcessTests
{
    public static TheoryData<string, string, string> DamagedDirectories => new()
    {
        // A manifest whose files are missing: what a repository once shipped, and what a half-copied directory looks like.
        { "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", "", "Unable to obtain the AOF file appendonly.aof.1.base.rdb" },
        // A manifest that is not one.
        { "not a manifest\n", "", "Invalid AOF manifest file format" },
        // An append-only file with bytes that are no Redis commands (a disk that filled up, a stray write).
        { "file appendonly.aof.1.incr.aof seq 1 type i\n", "garbage!!!\r\n", "Bad file format reading the append only file" },
    };

    [Theory]
    [MemberData(nameof(DamagedDirectories))]
    public async Task A_damaged_data_directory_is_named_with_what_to_do(string manifest, string incrementalFile, string redisReason)
    {
        var data = Directory.CreateTempSubdirectory("segmenter-damaged-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(data, "appendonlydir"));
            await File.WriteAllTextAsync(Path.Combine(data, "appendonlydir", "appendonly.aof.manifest"), manifest);
            if (incrementalFile.Length > 0)
                await File.WriteAllTextAsync(Path.Combine(data, "appendonlydir", "appendonly.aof.1.incr.aof"), incrementalFile);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisServerProcess.StartAsync(dataDirectory: data, persistent: true));

            Assert.Contains(data, error.Message, StringComparison.Ordinal);
            Assert.Contains("damaged or incomplete", error.Message, StringComparison.Ordinal);
            Assert.Contains("move the directory away", error.Message, StringComparison.Ordinal);
            Assert.Contains(redisReason, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("1:M 03 Dec 2026 19:45:23.633 # Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>",
        "Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>")]
    [InlineData("1:M 03 Dec 2026 19:45:23.599 # Unable to obtain the AOF file appendonly.aof.1.base.rdb length. stat: No such file or directory",
        "Unable to obtain the AOF file appendonly.aof.1.base.rdb length. stat: No such file or directory")]
    [InlineData("1:M 03 Dec 2026 19:45:23.564 # Invalid AOF manifest file format", "Invalid AOF manifest file format")]
    [InlineData("1:M 03 Dec 2026 19:45:23.564 # Unrecoverable error reading the append only file appendonly.aof.1.incr.aof: Input/output error",
        "Unrecoverable error reading the append only file appendonly.aof.1.incr.aof: Input/output error")]
    // A healthy start mentions the AOF and its manifest; a failure after it is not about the data.
    [InlineData("1:M 03 Dec 2026 19:45:58.335 * Creating AOF base file appendonly.aof.1.base.rdb on server start\n1:M 03 Dec 2026 19:45:58.336 * Creating AOF incr file appendonly.aof.1.incr.aof on server start\n1:M 03 Dec 2026 19:45:58.336 # Failed listening on port 6498 (TCP), aborting.", null)]
    [InlineData("1:M 03 Dec 2026 19:45:58.336 # Can't open the append-only file appendonly.aof.1.incr.aof: No space left on device", null)]
    public void Only_redis_fatal_lines_about_its_files_count_as_damaged_data(string output, string? reason) =>
        Assert.Equal(reason, RedisServerProcess.DamagedDataReason(output));
}
