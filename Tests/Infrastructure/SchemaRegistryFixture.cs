using Confluent.SchemaRegistry;
using Segmenter.Embedded.SchemaRegistry;

namespace Segmenter.Tests.Infrastructure;

/// <summary>One embedded schema registry (real HTTP on 127.0.0.1) shared by the tests of a class.</summary>
public sealed class SchemaRegistryFixture : IAsyncLifetime
{
    private EmbeddedSchemaRegistry? _registry;

    public string Url => _registry?.Url ?? throw new InvalidOperationException("The registry has not started.");

    /// <summary>A new client, so that no cache is shared between tests.</summary>
    public CachedSchemaRegistryClient NewClient() => new(new SchemaRegistryConfig { Url = Url });

    public async Task InitializeAsync() => _registry = await EmbeddedSchemaRegistry.StartAsync();

    public async Task DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
    }
}
