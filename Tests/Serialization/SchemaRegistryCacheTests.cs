using System.Diagnostics;
using System.Net;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Time.Testing;
using Segmenter.Serialization;
using Segmenter.Serialization.Registry;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Serialization;

/// <summary>
/// The one failure policy of the registry cache every codec (Kafka and Event Hubs) looks schemas up through: answers are
/// kept, a failure is remembered briefly and then asked again (never cached for good, never asked again per record), an
/// outage is <see cref="SchemaRegistryUnavailableException"/>, and a synchronous caller gets it within a bounded wait,
/// never a sleep loop.
/// </summary>
public sealed class SchemaRegistryCacheTests
{
    private static readonly TimeSpan Memory = TimeSpan.FromSeconds(1);
    private static readonly Schema Envelope = new(ContractSchemas.Envelope.ToString(), SchemaType.Avro);

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedSchemaRegistry _registry = ScriptedSchemaRegistry.Scripted();

    [Fact]
    public async Task A_failed_lookup_is_remembered_briefly_then_asked_again_and_an_answer_is_kept()
    {
        var cache = Cache();
        _registry.Down = true;

        var first = await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => cache.WriterSchemaAsync(7).AsTask());
        var remembered = await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => cache.WriterSchemaAsync(7).AsTask());
        Assert.IsType<HttpRequestException>(first.InnerException);
        Assert.Same(first, remembered);
        Assert.Equal(1, _registry.SchemaLookups); // no request per record during an outage

        _registry.Down = false;
        _registry.OnGetSchema = _ => Task.FromResult(Envelope);
        _time.Advance(Memory - TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => cache.WriterSchemaAsync(7).AsTask());
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("events.Envelope", (await cache.WriterSchemaAsync(7)).Fullname);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("events.Envelope", cache.WriterSchema(7).Fullname);
        Assert.Equal(2, _registry.SchemaLookups);
    }

    [Fact]
    public async Task An_unknown_schema_id_is_the_records_failure_and_is_not_cached_for_good()
    {
        var cache = Cache();
        _registry.OnGetSchema = _ => throw new SchemaRegistryException("Schema not found", HttpStatusCode.NotFound, 40403);

        var unknown = await Assert.ThrowsAsync<AvroDecodeException>(() => cache.WriterSchemaAsync(987_654).AsTask());
        Assert.Equal(AvroDecodeError.UnknownSchemaId, unknown.Error);
        Assert.Equal(AvroDecodeError.UnknownSchemaId, Assert.Throws<AvroDecodeException>(() => cache.WriterSchema(987_654)).Error);
        Assert.Equal(1, _registry.SchemaLookups);

        // Registered since (or the registry was restored): once the failure is forgotten, the id reads.
        _registry.OnGetSchema = _ => Task.FromResult(Envelope);
        _time.Advance(Memory);
        Assert.Equal("events.Envelope", cache.WriterSchema(987_654).Fullname);
        Assert.Equal(2, _registry.SchemaLookups);
    }

    [Fact]
    public void A_sync_caller_on_an_outage_gets_the_outage_at_once_and_so_do_the_next_without_a_request()
    {
        var cache = Cache();
        _registry.Down = true;
        var watch = Stopwatch.StartNew();

        var outage = Assert.Throws<SchemaRegistryUnavailableException>(() => cache.WriterSchema(3));
        for (var record = 0; record < 1_000; record++)
            Assert.Throws<SchemaRegistryUnavailableException>(() => cache.WriterSchema(3));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Equal(1, _registry.SchemaLookups);
        Assert.Contains("cannot be reached", outage.Message, StringComparison.Ordinal);
        Assert.True(SchemaRegistryOutage.Is(outage));
        Assert.Null(DecodeFailure.OfRecord(outage));
    }

    [Fact]
    public async Task A_sync_caller_waits_at_most_SyncWait_for_a_registry_that_does_not_answer_and_the_next_ones_do_not_wait()
    {
        var cache = Cache(syncWait: TimeSpan.FromSeconds(1));
        var answer = new TaskCompletionSource<Schema>(TaskCreationOptions.RunContinuationsAsynchronously);
        _registry.OnGetSchema = _ => answer.Task;

        var watch = Stopwatch.StartNew();
        var first = Assert.Throws<SchemaRegistryUnavailableException>(() => cache.WriterSchema(5));
        var waited = watch.Elapsed;
        watch.Restart();
        var next = Assert.Throws<SchemaRegistryUnavailableException>(() => cache.WriterSchema(5));

        Assert.InRange(waited, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(500), $"the second caller waited {watch.Elapsed}");
        Assert.Contains("did not answer", first.Message, StringComparison.Ordinal);
        Assert.Contains("has not answered", next.Message, StringComparison.Ordinal);

        // The lookup went on meanwhile (one request in flight, whoever asks): its answer serves the next caller.
        answer.SetResult(Envelope);
        Assert.Null(await cache.PrepareWriterAsync(5)); // the lookup in flight completes
        Assert.Equal("events.Envelope", cache.WriterSchema(5).Fullname);
        Assert.Equal(1, _registry.SchemaLookups);
    }

    [Fact]
    public async Task Sync_and_async_callers_share_the_entries()
    {
        var cache = Cache();
        _registry.OnGetSchema = _ => Task.FromResult(Envelope);
        _registry.OnRegister = (_, _) => Task.FromResult(41);

        Assert.Equal("events.Envelope", (await cache.WriterSchemaAsync(1)).Fullname);
        Assert.Equal("events.Envelope", cache.WriterSchema(1).Fullname);
        Assert.Equal(41, await cache.SchemaIdAsync("t-value", ContractSchemas.Envelope));
        Assert.Equal(41, cache.SchemaId("t-value", ContractSchemas.Envelope));
        Assert.Null(await cache.PrepareWriterAsync(1));

        Assert.Equal((1, 1), (_registry.SchemaLookups, _registry.Registrations));
    }

    [Fact]
    public async Task Writing_follows_the_same_policy()
    {
        var cache = Cache();
        _registry.Down = true;

        await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => cache.SchemaIdAsync("t-value", ContractSchemas.Envelope).AsTask());
        Assert.Throws<SchemaRegistryUnavailableException>(() => cache.SchemaId("t-value", ContractSchemas.Envelope));
        Assert.Equal(1, _registry.Registrations);

        _registry.Down = false;
        _registry.OnRegister = (_, _) => Task.FromResult(12);
        _time.Advance(Memory);
        Assert.Equal(12, cache.SchemaId("t-value", ContractSchemas.Envelope));
    }

    [Fact]
    public async Task Refused_credentials_are_an_outage_that_says_so()
    {
        var cache = Cache();
        _registry.OnGetSchema = _ => throw new SchemaRegistryException("Unauthorized", HttpStatusCode.Unauthorized, 40101);

        var refused = await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => cache.WriterSchemaAsync(2).AsTask());

        Assert.True(SchemaRegistrySettings.IsRefusedCredentials(refused));
        Assert.Contains("refused the credentials", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<SchemaRegistryException>(SchemaRegistryOutage.Cause(refused)).Status);
    }

    [Fact]
    public async Task Prepare_reports_an_outage_without_throwing_and_nothing_for_the_records_own_failures()
    {
        var cache = Cache();
        _registry.Down = true;
        Assert.IsType<SchemaRegistryUnavailableException>(await cache.PrepareWriterAsync(8));

        _registry.Down = false;
        _registry.OnGetSchema = _ => throw new SchemaRegistryException("Schema not found", HttpStatusCode.NotFound, 40403);
        Assert.Null(await cache.PrepareWriterAsync(9));
        Assert.Equal(AvroDecodeError.UnknownSchemaId, Assert.Throws<AvroDecodeException>(() => cache.WriterSchema(9)).Error);
    }

    private SchemaRegistryCache Cache(TimeSpan? syncWait = null) => new(_registry.Client,
        new SchemaRegistryCacheOptions { FailureMemory = Memory, SyncWait = syncWait ?? SchemaRegistryCacheOptions.DefaultSyncWait }, _time);
}
