using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// An in-process Confluent Schema Registry for local runs and tests: the REST API clients depend on (subjects,
/// versions, schemas by id, soft and permanent deletes, compatibility levels and checks; see
/// <see cref="SchemaRegistryEndpoints"/>), Avro only, with Confluent's global default BACKWARD and its error codes.
/// In memory; optionally behind HTTP basic authentication, as a Confluent registry can be (and Confluent Cloud's is).
/// Anything it does not implement answers 404 with a message saying so, so that a
/// missing endpoint is obvious.
/// </summary>
public sealed class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedSchemaRegistry(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base address, such as <c>http://127.0.0.1:8081</c>.</summary>
    public string Url { get; }

    /// <summary>Starts listening on 127.0.0.1 at <paramref name="port"/> (0 picks a free port), without authentication.</summary>
    public static Task<EmbeddedSchemaRegistry> StartAsync(int port = 0, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default) =>
        StartAsync(port, basicAuthUserInfo: null, loggerFactory, cancellationToken);

    /// <summary>
    /// Starts listening on 127.0.0.1 at <paramref name="port"/> (0 picks a free port); with <paramref name="basicAuthUserInfo"/>
    /// (<c>user:password</c>) every request must authenticate with it (401 otherwise).
    /// </summary>
    public static async Task<EmbeddedSchemaRegistry> StartAsync(int port, string? basicAuthUserInfo, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
            builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        var app = builder.Build();
        if (!string.IsNullOrEmpty(basicAuthUserInfo))
            app.UseMiddleware<RegistryBasicAuthMiddleware>(basicAuthUserInfo);
        app.UseMiddleware<RegistryErrorMiddleware>();
        SchemaRegistryEndpoints.Map(app, new SchemaStore());
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"The embedded schema registry cannot listen on 127.0.0.1:{port}: {e.Message} Is another registry running there?", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddedSchemaRegistry(app, address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
