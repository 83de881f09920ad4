using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// A small in-process implementation of the part of the Confluent Schema Registry REST API that the
/// Confluent clients use to serialize and deserialize (register, look up, fetch by id, latest version).
/// In memory, no compatibility checks, no authentication: for local runs and tests only. Anything it does
/// not implement answers 404 with a message saying so, so that a missing endpoint is obvious.
/// </summary>
public sealed class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";
    private readonly WebApplication _app;

    private EmbeddedSchemaRegistry(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base address, such as <c>http://127.0.0.1:8081</c>.</summary>
    public string Url { get; }

    /// <summary>Starts listening on 127.0.0.1 at <paramref name="port"/> (0 picks a free port).</summary>
    public static async Task<EmbeddedSchemaRegistry> StartAsync(int port = 0, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
            builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        var app = builder.Build();
        Map(app, new SchemaStore());
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

    private static void Map(WebApplication app, SchemaStore store)
    {
        app.MapPost("/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
        {
            var (schema, type) = await ReadSchemaAsync(request);
            if (schema is null)
                return Error(HttpStatusCode.UnprocessableEntity, 42201, "The request has no 'schema'.");
            try
            {
                var (id, _) = store.Register(subject, schema, type);
                return Json(new JsonObject { ["id"] = id });
            }
            catch (InvalidSchemaException e)
            {
                return Error(HttpStatusCode.UnprocessableEntity, 42201, $"Invalid schema: {e.Message}");
            }
        });

        app.MapPost("/subjects/{subject}", async (string subject, HttpRequest request) =>
        {
            var (schema, type) = await ReadSchemaAsync(request);
            if (schema is null)
                return Error(HttpStatusCode.UnprocessableEntity, 42201, "The request has no 'schema'.");
            if (!store.HasSubject(subject))
                return Error(HttpStatusCode.NotFound, 40401, $"Subject '{subject}' not found.");
            try
            {
                return store.Lookup(subject, schema, type) is { } found
                    ? Json(Describe(subject, found.Schema, found.Version))
                    : Error(HttpStatusCode.NotFound, 40403, $"Schema not found under subject '{subject}'.");
            }
            catch (InvalidSchemaException e)
            {
                return Error(HttpStatusCode.UnprocessableEntity, 42201, $"Invalid schema: {e.Message}");
            }
        });

        app.MapGet("/schemas/ids/{id:int}", (int id) =>
            store.ById(id) is { } stored
                ? Json(WithType(new JsonObject { ["schema"] = stored.Schema }, stored))
                : Error(HttpStatusCode.NotFound, 40403, $"Schema {id} not found."));

        app.MapGet("/subjects", () => Json(new JsonArray([.. store.Subjects().Select(s => JsonValue.Create(s))])));

        app.MapGet("/subjects/{subject}/versions", (string subject) =>
            store.HasSubject(subject)
                ? Json(new JsonArray([.. store.Versions(subject).Select(v => JsonValue.Create(v))]))
                : Error(HttpStatusCode.NotFound, 40401, $"Subject '{subject}' not found."));

        app.MapGet("/subjects/{subject}/versions/{version}", (string subject, string version) =>
        {
            if (!store.HasSubject(subject))
                return Error(HttpStatusCode.NotFound, 40401, $"Subject '{subject}' not found.");
            var number = version == "latest" ? -1 : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            return store.Version(subject, number) is { } found
                ? Json(Describe(subject, found.Schema, found.Version))
                : Error(HttpStatusCode.NotFound, 40402, $"Version {version} not found under subject '{subject}'.");
        });

        app.MapGet("/config", () => Json(new JsonObject { ["compatibilityLevel"] = "NONE" }));
        app.MapGet("/config/{subject}", (string subject) => Json(new JsonObject { ["compatibilityLevel"] = "NONE" }));

        // Confluent clients 2.16 ask for subject associations first; "none" (404) selects the topic-name subjects.
        app.MapGet("/associations/{**rest}", () => Error(HttpStatusCode.NotFound, 40401, "No associations in the embedded registry."));

        app.MapFallback((HttpRequest request) =>
            Error(HttpStatusCode.NotFound, 404, $"{request.Method} {request.Path} is not implemented by the embedded schema registry."));
    }

    private static JsonObject Describe(string subject, StoredSchema schema, int version) =>
        WithType(new JsonObject
        {
            ["subject"] = subject,
            ["version"] = version,
            ["id"] = schema.Id,
            ["schema"] = schema.Schema,
        }, schema);

    private static JsonObject WithType(JsonObject body, StoredSchema schema)
    {
        if (!string.Equals(schema.SchemaType, "AVRO", StringComparison.OrdinalIgnoreCase))
            body["schemaType"] = schema.SchemaType;
        return body;
    }

    private static async Task<(string? Schema, string Type)> ReadSchemaAsync(HttpRequest request)
    {
        try
        {
            var body = await JsonNode.ParseAsync(request.Body);
            return (body?["schema"]?.GetValue<string>(), body?["schemaType"]?.GetValue<string>() ?? "AVRO");
        }
        catch (JsonException)
        {
            return (null, "AVRO");
        }
    }

    private static IResult Json(JsonNode body) => Results.Text(body.ToJsonString(), ContentType);

    private static IResult Error(HttpStatusCode status, int errorCode, string message) =>
        Results.Text(new JsonObject { ["error_code"] = errorCode, ["message"] = message }.ToJsonString(), ContentType, statusCode: (int)status);
}
