using System.Reflection;
using Confluent.SchemaRegistry;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// A schema registry client whose answers a test writes: <see cref="OnGetSchema"/> for writer-schema lookups by id,
/// <see cref="OnRegister"/> for registrations, each counted. Or, with <see cref="Over"/>, a real client that can be taken
/// down (<see cref="Down"/>: every call fails as a refused connection does) and brought back. Anything else throws.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy derives the proxy type from it.")]
internal class ScriptedSchemaRegistry : DispatchProxy
{
    private int _schemaLookups;
    private int _registrations;

    /// <summary>The real client behind, or null when the answers are scripted.</summary>
    public ISchemaRegistryClient? Inner { get; private set; }

    /// <summary>Whether every call fails with <see cref="HttpRequestException"/> (connection refused).</summary>
    public volatile bool Down;

    /// <summary>Runs when a call is refused because the registry is down (a test brings it back from here).</summary>
    public Action? OnRefused { get; set; }

    public Func<int, Task<Schema>> OnGetSchema { get; set; } = id => throw new NotSupportedException($"No answer scripted for schema id {id}.");

    public Func<string, Schema, Task<int>> OnRegister { get; set; } = (subject, _) => throw new NotSupportedException($"No answer scripted for subject {subject}.");

    /// <summary>Writer-schema lookups by id that reached the registry.</summary>
    public int SchemaLookups => Volatile.Read(ref _schemaLookups);

    /// <summary>Registrations (and id lookups) that reached the registry.</summary>
    public int Registrations => Volatile.Read(ref _registrations);

    public ISchemaRegistryClient Client => (ISchemaRegistryClient)(object)this;

    public static ScriptedSchemaRegistry Scripted() => (ScriptedSchemaRegistry)Create<ISchemaRegistryClient, ScriptedSchemaRegistry>();

    public static ScriptedSchemaRegistry Over(ISchemaRegistryClient inner)
    {
        var proxy = Scripted();
        proxy.Inner = inner;
        return proxy;
    }

    public static HttpRequestException Refused() => new("Connection refused (127.0.0.1:8081)");

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        switch (targetMethod.Name)
        {
            case nameof(IDisposable.Dispose):
                return null;
            case nameof(ISchemaRegistryClient.GetSchemaAsync) when args.Length > 0 && args[0] is int:
                Interlocked.Increment(ref _schemaLookups);
                break;
            case nameof(ISchemaRegistryClient.RegisterSchemaAsync) or nameof(ISchemaRegistryClient.GetSchemaIdAsync):
                Interlocked.Increment(ref _registrations);
                break;
        }

        if (Down)
        {
            OnRefused?.Invoke();
            throw Refused();
        }
        if (Inner is not null)
            return targetMethod.Invoke(Inner, args);
        return targetMethod.Name switch
        {
            nameof(ISchemaRegistryClient.GetSchemaAsync) when args[0] is int id => OnGetSchema(id),
            nameof(ISchemaRegistryClient.RegisterSchemaAsync) or nameof(ISchemaRegistryClient.GetSchemaIdAsync) => OnRegister((string)args[0]!, (Schema)args[1]!),
            _ => throw new NotSupportedException($"The scripted registry does not answer {targetMethod.Name}."),
        };
    }
}
