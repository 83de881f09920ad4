using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// The REST routes of the Confluent Schema Registry API that clients depend on, over a <see cref="SchemaStore"/>:
/// subjects and versions (register, look up, read, soft and permanent delete, <c>?deleted=true</c>), schemas by id,
/// compatibility levels (global and per subject) and compatibility checks. Bodies and answers are Confluent's JSON.
/// </summary>
internal static class SchemaRegistryEndpoints
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    public static void Map(IEndpointRouteBuilder app, SchemaStore store)
    {
        app.MapGet("/", () => Json(new JsonObject()));
        app.MapGet("/schemas/types", () => Json(new JsonArray(SchemaCanonicalForm.Avro)));
        app.MapGet("/mode", () => Json(new JsonObject { ["mode"] = "READWRITE" }));

        MapSubjects(app, store);
        MapSchemas(app, store);
        MapConfig(app, store);

        app.MapPost("/compatibility/subjects/{subject}/versions/{version}", async (string subject, string version, HttpRequest request) =>
        {
            var against = VersionSpec.Parse(version);
            var body = await SchemaBody.ReadAsync(request);
            return Compatibility(store.CheckCompatibility(subject, against, body.Schema, body.Type), request);
        });
        app.MapPost("/compatibility/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
        {
            var body = await SchemaBody.ReadAsync(request);
            return Compatibility(store.CheckCompatibility(subject, null, body.Schema, body.Type), request);
        });

        // Confluent clients 2.16 ask for subject associations first; "none" (404) selects the topic-name subjects.
        app.MapGet("/associations/{**rest}", () => Error(StatusCodes.Status404NotFound, 40401, "No associations in the embedded registry."));
    }

    private static void MapSubjects(IEndpointRouteBuilder app, SchemaStore store)
    {
        app.MapGet("/subjects", (HttpRequest request) => Json(Array(store.Subjects(Flag(request, "deleted")))));

        app.MapPost("/subjects/{subject}/versions", async (string subject, HttpRequest request) =>
        {
            var body = await SchemaBody.ReadAsync(request);
            return Json(new JsonObject { ["id"] = store.Register(subject, body.Schema, body.Type) });
        });

        app.MapPost("/subjects/{subject}", async (string subject, HttpRequest request) =>
        {
            var body = await SchemaBody.ReadAsync(request);
            var (schema, version) = store.Lookup(subject, body.Schema, body.Type, Flag(request, "deleted"));
            return Json(Describe(subject, schema, version));
        });

        app.MapGet("/subjects/{subject}/versions", (string subject, HttpRequest request) =>
            Json(Array(store.Versions(subject, Flag(request, "deleted")))));

        app.MapGet("/subjects/{subject}/versions/{version}", (string subject, string version, HttpRequest request) =>
        {
            var (schema, number) = store.Version(subject, VersionSpec.Parse(version), Flag(request, "deleted"));
            return Json(Describe(subject, schema, number));
        });

        app.MapGet("/subjects/{subject}/versions/{version}/schema", (string subject, string version, HttpRequest request) =>
            Results.Text(store.Version(subject, VersionSpec.Parse(version), Flag(request, "deleted")).Schema.Schema, ContentType));

        app.MapDelete("/subjects/{subject}", (string subject, HttpRequest request) =>
            Json(Array(store.DeleteSubject(subject, Flag(request, "permanent")))));

        app.MapDelete("/subjects/{subject}/versions/{version}", (string subject, string version, HttpRequest request) =>
            Json(JsonValue.Create(store.DeleteVersion(subject, VersionSpec.Parse(version), Flag(request, "permanent")))));
    }

    private static void MapSchemas(IEndpointRouteBuilder app, SchemaStore store)
    {
        // Confluent leaves "schemaType" out for Avro, the only type served here.
        app.MapGet("/schemas/ids/{id:int}", (int id) => Json(new JsonObject { ["schema"] = store.ById(id).Schema }));
        app.MapGet("/schemas/ids/{id:int}/schema", (int id) => Results.Text(store.ById(id).Schema, ContentType));
        app.MapGet("/schemas/ids/{id:int}/subjects", (int id, HttpRequest request) =>
            Json(Array(store.VersionsOf(id, Flag(request, "deleted")).Select(v => v.Subject).Distinct())));
        app.MapGet("/schemas/ids/{id:int}/versions", (int id, HttpRequest request) =>
            Json(new JsonArray([.. store.VersionsOf(id, Flag(request, "deleted")).Select(v => new JsonObject { ["subject"] = v.Subject, ["version"] = v.Version })])));
    }

    private static void MapConfig(IEndpointRouteBuilder app, SchemaStore store)
    {
        app.MapGet("/config", () => Json(Level("compatibilityLevel", store.GlobalCompatibility)));
        app.MapPut("/config", async (HttpRequest request) =>
        {
            store.GlobalCompatibility = await ReadLevelAsync(request);
            return Json(Level("compatibility", store.GlobalCompatibility));
        });
        app.MapDelete("/config", () =>
        {
            var previous = store.GlobalCompatibility;
            store.GlobalCompatibility = CompatibilityLevels.Default;
            return Json(Level("compatibilityLevel", previous));
        });

        // A subject without a level of its own answers 40408 unless asked for the level that applies to it: clients
        // (kafkajs' registry client among them) take the 404 as "not configured yet" and set one.
        app.MapGet("/config/{subject}", (string subject, HttpRequest request) =>
            store.SubjectCompatibility(subject) is { } level ? Json(Level("compatibilityLevel", level))
            : Flag(request, "defaultToGlobal") ? Json(Level("compatibilityLevel", store.GlobalCompatibility))
            : throw RegistryException.CompatibilityNotConfigured(subject));
        app.MapPut("/config/{subject}", async (string subject, HttpRequest request) =>
        {
            var level = await ReadLevelAsync(request);
            store.SetSubjectCompatibility(subject, level);
            return Json(Level("compatibility", level));
        });
        app.MapDelete("/config/{subject}", (string subject) =>
        {
            var previous = store.SubjectCompatibility(subject) ?? throw RegistryException.CompatibilityNotConfigured(subject);
            store.SetSubjectCompatibility(subject, null);
            return Json(Level("compatibilityLevel", previous));
        });
    }

    private static IResult Compatibility(IReadOnlyList<CompatibilityFinding> findings, HttpRequest request)
    {
        var answer = new JsonObject { ["is_compatible"] = findings.Count == 0 };
        if (Flag(request, "verbose"))
            answer["messages"] = Array(findings.Select(f => f.ToString()));
        return Json(answer);
    }

    private static async Task<CompatibilityLevel> ReadLevelAsync(HttpRequest request)
    {
        var body = await ReadObjectAsync(request);
        return CompatibilityLevels.Parse(body?["compatibility"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : null)
            ?? throw RegistryException.InvalidCompatibilityLevel();
    }

    /// <summary>The request's JSON object, or null when the body is not one.</summary>
    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Flag(HttpRequest request, string name) =>
        bool.TryParse(request.Query[name].ToString(), out var value) && value;

    private static JsonObject Level(string property, CompatibilityLevel level) => new() { [property] = level.Name() };

    private static JsonObject Describe(string subject, StoredSchema schema, int version) => new()
    {
        ["subject"] = subject,
        ["version"] = version,
        ["id"] = schema.Id,
        ["schema"] = schema.Schema,
    };

    private static JsonArray Array<T>(IEnumerable<T> items) => new([.. items.Select(i => JsonValue.Create(i))]);

    public static IResult Json(JsonNode? body) => Results.Text(body?.ToJsonString() ?? "null", ContentType);

    public static IResult Error(int status, int errorCode, string message) =>
        Results.Text(ErrorBody(errorCode, message), ContentType, statusCode: status);

    public static string ErrorBody(int errorCode, string message) =>
        new JsonObject { ["error_code"] = errorCode, ["message"] = message }.ToJsonString();

    /// <summary>The <c>schema</c> (and <c>schemaType</c>) of a register, look-up or compatibility request.</summary>
    private sealed record SchemaBody(string Schema, string Type)
    {
        public static async Task<SchemaBody> ReadAsync(HttpRequest request)
        {
            var body = await ReadObjectAsync(request);
            if (body?["schema"] is not JsonValue schema || !schema.TryGetValue<string>(out var text))
                throw RegistryException.InvalidSchema("the request has no 'schema'.");
            if (body["references"] is JsonArray { Count: > 0 })
                throw RegistryException.InvalidSchema("schema references are not supported by the embedded registry.");
            var type = body["schemaType"] is JsonValue given && given.TryGetValue<string>(out var name) ? name : SchemaCanonicalForm.Avro;
            return new SchemaBody(text, type);
        }
    }
}
