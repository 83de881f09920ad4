using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.SchemaRegistry;
using Segmenter.Embedded.SchemaRegistry;
using Segmenter.Serialization;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Embedded;

/// <summary>
/// The embedded registry's REST API as Confluent's documents it, over real HTTP: compatibility levels (global default
/// BACKWARD, per subject with 40408 when unset), checks on register and on request, schemas by id, look-ups, soft and
/// permanent deletes, and Confluent's JSON errors. Each test uses subjects of its own.
/// </summary>
public sealed class SchemaRegistryApiTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>, IDisposable
{
    private const string V1 = """{"type": "record", "name": "R", "namespace": "t", "fields": [{"name": "a", "type": "int"}]}""";
    private const string WithDefault = """{"type": "record", "name": "R", "namespace": "t", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int", "default": 0}]}""";
    private const string WithoutDefault = """{"type": "record", "name": "R", "namespace": "t", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}]}""";
    private const string WithStringB = """{"type": "record", "name": "R", "namespace": "t", "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": ""}]}""";
    private const string ANowString = """{"type": "record", "name": "R", "namespace": "t", "fields": [{"name": "a", "type": "string"}]}""";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(registry.Url), Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task The_global_level_is_BACKWARD_until_changed_and_refuses_unknown_levels()
    {
        await using var own = await EmbeddedSchemaRegistry.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(own.Url) };

        await ExpectAsync(http, "GET", "/config", null, HttpStatusCode.OK, """{"compatibilityLevel":"BACKWARD"}""");
        await ExpectAsync(http, "PUT", "/config", """{"compatibility": "full_transitive"}""", HttpStatusCode.OK, """{"compatibility":"FULL_TRANSITIVE"}""");
        await ExpectAsync(http, "GET", "/config", null, HttpStatusCode.OK, """{"compatibilityLevel":"FULL_TRANSITIVE"}""");
        await ExpectErrorAsync(http, "PUT", "/config", """{"compatibility": "SIDEWAYS"}""", HttpStatusCode.UnprocessableEntity, 42203);
        await ExpectAsync(http, "DELETE", "/config", null, HttpStatusCode.OK, """{"compatibilityLevel":"FULL_TRANSITIVE"}""");
        await ExpectAsync(http, "GET", "/config", null, HttpStatusCode.OK, """{"compatibilityLevel":"BACKWARD"}""");
    }

    [Fact]
    public async Task A_subject_without_its_own_level_answers_40408_unless_asked_for_the_global_one()
    {
        var subject = Subject();

        await ExpectErrorAsync(_http, "GET", $"/config/{subject}", null, HttpStatusCode.NotFound, 40408);
        await ExpectAsync(_http, "GET", $"/config/{subject}?defaultToGlobal=true", null, HttpStatusCode.OK, """{"compatibilityLevel":"BACKWARD"}""");
        await ExpectAsync(_http, "PUT", $"/config/{subject}", """{"compatibility": "NONE"}""", HttpStatusCode.OK, """{"compatibility":"NONE"}""");
        await ExpectAsync(_http, "GET", $"/config/{subject}", null, HttpStatusCode.OK, """{"compatibilityLevel":"NONE"}""");
        await ExpectAsync(_http, "DELETE", $"/config/{subject}", null, HttpStatusCode.OK, """{"compatibilityLevel":"NONE"}""");
        await ExpectErrorAsync(_http, "GET", $"/config/{subject}", null, HttpStatusCode.NotFound, 40408);
        await ExpectErrorAsync(_http, "DELETE", $"/config/{subject}", null, HttpStatusCode.NotFound, 40408);
        await ExpectErrorAsync(_http, "PUT", $"/config/{subject}", """{"compatibility": 3}""", HttpStatusCode.UnprocessableEntity, 42203);
    }

    [Fact]
    public async Task The_kafkajs_registration_flow_passes_with_its_default_BACKWARD()
    {
        // @kafkajs/confluent-schema-registry 4.1: read the subject's level, take 404 as a first registration,
        // register, then set the subject to the level it wants; a second registration finds that level.
        var subject = Subject();
        await ExpectErrorAsync(_http, "GET", $"/config/{subject}", null, HttpStatusCode.NotFound, 40408);
        var id = (int)(await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(V1))).Json!["id"]!;
        await ExpectAsync(_http, "PUT", $"/config/{subject}", """{"compatibility": "BACKWARD"}""", HttpStatusCode.OK, """{"compatibility":"BACKWARD"}""");
        await ExpectAsync(_http, "GET", $"/config/{subject}", null, HttpStatusCode.OK, """{"compatibilityLevel":"BACKWARD"}""");

        await ExpectAsync(_http, "POST", $"/subjects/{subject}/versions", Body(V1), HttpStatusCode.OK, $$"""{"id":{{id}}}""");
    }

    public static TheoryData<string, string[], bool> Levels => new()
    {
        // level, earlier versions then the candidate, accepted
        { "BACKWARD", [V1, WithDefault], true },
        { "BACKWARD", [V1, WithoutDefault], false },
        { "BACKWARD", [WithoutDefault, V1], true },
        { "BACKWARD", [V1, ANowString], false },
        { "BACKWARD", [V1, WithDefault, WithoutDefault], true },
        { "BACKWARD_TRANSITIVE", [V1, WithDefault, WithoutDefault], false },
        { "FORWARD", [V1, WithoutDefault], true },
        { "FORWARD", [WithoutDefault, V1], false },
        { "FORWARD", [WithoutDefault, WithDefault, V1], true },
        { "FORWARD_TRANSITIVE", [WithoutDefault, WithDefault, V1], false },
        { "FULL", [V1, WithDefault], true },
        { "FULL", [V1, WithoutDefault], false },
        { "FULL", [WithoutDefault, V1], false },
        { "FULL", [WithDefault, V1, WithStringB], true },
        { "FULL_TRANSITIVE", [WithDefault, V1, WithStringB], false },
        { "NONE", [V1, ANowString], true },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task Registration_is_checked_against_the_versions_the_level_names(string level, string[] versions, bool accepted)
    {
        var subject = Subject();
        await SendAsync(_http, "PUT", $"/config/{subject}", """{"compatibility": "NONE"}""");
        foreach (var earlier in versions[..^1])
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(earlier))).Status);
        await SendAsync(_http, "PUT", $"/config/{subject}", $$"""{"compatibility": "{{level}}"}""");

        var answer = await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(versions[^1]));

        if (accepted)
        {
            Assert.True(answer.Status == HttpStatusCode.OK, answer.Text);
            Assert.Equal(string.Join(",", Enumerable.Range(1, versions.Length)), await VersionsAsync(subject));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Conflict, answer.Status);
            Assert.Equal(409, (int)answer.Json!["error_code"]!);
            Assert.Contains("incompatible with an earlier schema", (string)answer.Json["message"]!, StringComparison.Ordinal);
            Assert.Equal(string.Join(",", Enumerable.Range(1, versions.Length - 1)), await VersionsAsync(subject));
        }
    }

    [Fact]
    public async Task An_incompatible_schema_is_refused_with_409_naming_the_field()
    {
        var subject = Subject();
        await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(V1));

        var answer = await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(WithoutDefault));

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        var message = (string)answer.Json!["message"]!;
        Assert.Contains($"subject \"{subject}\"", message, StringComparison.Ordinal);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", message, StringComparison.Ordinal);
        Assert.Contains("the field 'b' at '/fields/1' in the new schema has no default value", message, StringComparison.Ordinal);
        Assert.Contains("BACKWARD", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BACKWARD", true)]
    [InlineData("BACKWARD", false)]
    [InlineData("FULL_TRANSITIVE", true)]
    [InlineData("FULL_TRANSITIVE", false)]
    public async Task The_demo_envelope_and_ours_with_seq_register_in_either_order(string level, bool demoFirst)
    {
        // Through the Confluent .NET client, as Segmenter's serializers register.
        var client = registry.NewClient();
        var subject = Subject();
        var demo = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "Envelope.demo.avsc"));
        var ours = ContractSchemas.Text("Envelope");
        await client.UpdateCompatibilityAsync(Enum.Parse<Compatibility>(level.Replace("_", "", StringComparison.Ordinal), ignoreCase: true), subject);

        var first = await client.RegisterSchemaAsync(subject, new Schema(demoFirst ? demo : ours, SchemaType.Avro));
        var second = await client.RegisterSchemaAsync(subject, new Schema(demoFirst ? ours : demo, SchemaType.Avro));

        Assert.NotEqual(first, second);
        Assert.Equal("1,2", string.Join(",", await client.GetSubjectVersionsAsync(subject)));
        Assert.Equal(second, (await client.GetLatestSchemaAsync(subject)).Id);
    }

    [Fact]
    public async Task Compatibility_is_answered_on_request_against_latest_or_a_version()
    {
        var subject = Subject();
        await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(V1));
        await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(WithDefault));

        await ExpectAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/latest", Body(WithoutDefault), HttpStatusCode.OK, """{"is_compatible":true}""");
        await ExpectAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/1", Body(WithoutDefault), HttpStatusCode.OK, """{"is_compatible":false}""");
        await ExpectAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions", Body(ANowString), HttpStatusCode.OK, """{"is_compatible":false}""");
        var verbose = await SendAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/latest?verbose=true", Body(ANowString));
        Assert.Contains("TYPE_MISMATCH", verbose.Json!["messages"]![0]!.ToString(), StringComparison.Ordinal);
        await ExpectAsync(_http, "POST", $"/compatibility/subjects/{Subject()}/versions", Body(ANowString), HttpStatusCode.OK, """{"is_compatible":true}""");

        await ExpectErrorAsync(_http, "POST", $"/compatibility/subjects/{Subject()}/versions/latest", Body(V1), HttpStatusCode.NotFound, 40401);
        await ExpectErrorAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/7", Body(V1), HttpStatusCode.NotFound, 40402);
        await ExpectErrorAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/first", Body(V1), HttpStatusCode.UnprocessableEntity, 42202);
        await ExpectErrorAsync(_http, "POST", $"/compatibility/subjects/{subject}/versions/latest", Body("{\"type\": \"recrd\"}"), HttpStatusCode.UnprocessableEntity, 42201);
    }

    [Fact]
    public async Task Schemas_are_found_by_id_subject_version_and_content()
    {
        // Schemas of their own, so that the id is held by this test's subjects only.
        var subject = Subject();
        var other = Subject();
        var space = $"s{Guid.NewGuid():N}";
        var (v1, withDefault) = (InNamespace(V1, space), InNamespace(WithDefault, space));
        var id = (int)(await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(v1))).Json!["id"]!;
        var reformatted = v1.Replace(" ", "", StringComparison.Ordinal);

        await ExpectAsync(_http, "POST", $"/subjects/{other}/versions", Body(reformatted), HttpStatusCode.OK, $$"""{"id":{{id}}}""");
        await ExpectAsync(_http, "POST", $"/subjects/{subject}/versions", Body(reformatted), HttpStatusCode.OK, $$"""{"id":{{id}}}""");
        Assert.Equal("1", await VersionsAsync(subject));
        Assert.Equal(v1, (string)(await SendAsync(_http, "GET", $"/schemas/ids/{id}")).Json!["schema"]!);
        Assert.Equal(v1, (await SendAsync(_http, "GET", $"/schemas/ids/{id}/schema")).Text);
        await ExpectAsync(_http, "GET", $"/schemas/ids/{id}/subjects", null, HttpStatusCode.OK, new JsonArray([.. new[] { subject, other }.Order(StringComparer.Ordinal).Select(s => JsonValue.Create(s))]).ToJsonString());
        Assert.Equal(2, (await SendAsync(_http, "GET", $"/schemas/ids/{id}/versions")).Json!.AsArray().Count);
        await ExpectErrorAsync(_http, "GET", "/schemas/ids/99999", null, HttpStatusCode.NotFound, 40403);

        var latest = (await SendAsync(_http, "GET", $"/subjects/{subject}/versions/latest")).Json!;
        Assert.Equal((subject, 1, id, v1), ((string)latest["subject"]!, (int)latest["version"]!, (int)latest["id"]!, (string)latest["schema"]!));
        Assert.Equal(v1, (await SendAsync(_http, "GET", $"/subjects/{subject}/versions/1/schema")).Text);
        Assert.Contains(subject, (await SendAsync(_http, "GET", "/subjects")).Json!.AsArray().Select(s => (string)s!));
        var found = (await SendAsync(_http, "POST", $"/subjects/{subject}", Body(reformatted))).Json!;
        Assert.Equal((1, id), ((int)found["version"]!, (int)found["id"]!));

        await ExpectErrorAsync(_http, "POST", $"/subjects/{subject}", Body(withDefault), HttpStatusCode.NotFound, 40403);
        await ExpectErrorAsync(_http, "POST", $"/subjects/{Subject()}", Body(v1), HttpStatusCode.NotFound, 40401);
        await ExpectErrorAsync(_http, "GET", $"/subjects/{Subject()}/versions", null, HttpStatusCode.NotFound, 40401);
        await ExpectErrorAsync(_http, "GET", $"/subjects/{subject}/versions/2", null, HttpStatusCode.NotFound, 40402);
        await ExpectErrorAsync(_http, "GET", $"/subjects/{subject}/versions/0", null, HttpStatusCode.UnprocessableEntity, 42202);
    }

    [Fact]
    public async Task Deletes_are_soft_first_then_permanent_and_deleted_versions_are_hidden_unless_asked_for()
    {
        // Schemas of their own, so that no other test's subject holds the schema id this one deletes.
        var subject = Subject();
        var space = $"d{Guid.NewGuid():N}";
        var (v1, withDefault, aNowString) = (InNamespace(V1, space), InNamespace(WithDefault, space), InNamespace(ANowString, space));
        var id1 = (int)(await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(v1))).Json!["id"]!;
        await SendAsync(_http, "POST", $"/subjects/{subject}/versions", Body(withDefault));

        await ExpectErrorAsync(_http, "DELETE", $"/subjects/{subject}/versions/1?permanent=true", null, HttpStatusCode.NotFound, 40407);
        await ExpectAsync(_http, "DELETE", $"/subjects/{subject}/versions/1", null, HttpStatusCode.OK, "1");
        await ExpectErrorAsync(_http, "DELETE", $"/subjects/{subject}/versions/1", null, HttpStatusCode.NotFound, 40406);
        Assert.Equal("2", await VersionsAsync(subject));
        Assert.Equal("1,2", await VersionsAsync(subject, deleted: true));
        await ExpectErrorAsync(_http, "GET", $"/subjects/{subject}/versions/1", null, HttpStatusCode.NotFound, 40402);
        Assert.Equal(id1, (int)(await SendAsync(_http, "GET", $"/subjects/{subject}/versions/1?deleted=true")).Json!["id"]!);
        await ExpectErrorAsync(_http, "POST", $"/subjects/{subject}", Body(v1), HttpStatusCode.NotFound, 40403);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_http, "POST", $"/subjects/{subject}?deleted=true", Body(v1))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_http, "GET", $"/schemas/ids/{id1}")).Status); // consumers still read old records

        await ExpectAsync(_http, "DELETE", $"/subjects/{subject}/versions/1?permanent=true", null, HttpStatusCode.OK, "1");
        await ExpectErrorAsync(_http, "GET", $"/schemas/ids/{id1}", null, HttpStatusCode.NotFound, 40403);
        Assert.Equal("2", await VersionsAsync(subject, deleted: true));

        await ExpectErrorAsync(_http, "DELETE", $"/subjects/{subject}?permanent=true", null, HttpStatusCode.NotFound, 40405);
        await ExpectAsync(_http, "DELETE", $"/subjects/{subject}", null, HttpStatusCode.OK, "[2]");
        await ExpectErrorAsync(_http, "DELETE", $"/subjects/{subject}", null, HttpStatusCode.NotFound, 40404);
        Assert.DoesNotContain(subject, (await SendAsync(_http, "GET", "/subjects")).Json!.AsArray().Select(s => (string)s!));
        Assert.Contains(subject, (await SendAsync(_http, "GET", "/subjects?deleted=true")).Json!.AsArray().Select(s => (string)s!));
        await ExpectErrorAsync(_http, "GET", $"/subjects/{subject}/versions/latest", null, HttpStatusCode.NotFound, 40401);

        // Soft-deleted versions are not checked: a schema incompatible with them registers, as version 3.
        await ExpectAsync(_http, "POST", $"/subjects/{subject}/versions", Body(aNowString), HttpStatusCode.OK, null);
        Assert.Equal("3", await VersionsAsync(subject));
        await ExpectAsync(_http, "DELETE", $"/subjects/{subject}", null, HttpStatusCode.OK, "[3]");
        await ExpectAsync(_http, "DELETE", $"/subjects/{subject}?permanent=true", null, HttpStatusCode.OK, "[2,3]");
        Assert.DoesNotContain(subject, (await SendAsync(_http, "GET", "/subjects?deleted=true")).Json!.AsArray().Select(s => (string)s!));
        await ExpectErrorAsync(_http, "DELETE", $"/subjects/{subject}", null, HttpStatusCode.NotFound, 40401);
    }

    [Theory]
    [InlineData("POST", "/subjects/{s}/versions", "not json", HttpStatusCode.UnprocessableEntity, 42201)]
    [InlineData("POST", "/subjects/{s}/versions", """{"schema": "{\"type\": \"record\", \"name\": \"R\"}"}""", HttpStatusCode.UnprocessableEntity, 42201)]
    [InlineData("POST", "/subjects/{s}/versions", """{"schemaType": "PROTOBUF", "schema": "syntax = \"proto3\";"}""", HttpStatusCode.UnprocessableEntity, 42201)]
    [InlineData("PUT", "/subjects/{s}/versions", "{}", HttpStatusCode.MethodNotAllowed, 405)]
    [InlineData("GET", "/contexts/nowhere", null, HttpStatusCode.NotFound, 404)]
    [InlineData("GET", "/subjects/{s}/versions/latest", null, HttpStatusCode.NotFound, 40401)]
    public async Task Errors_are_Confluent_json(string method, string path, string? body, HttpStatusCode status, int errorCode)
    {
        var answer = await SendAsync(_http, method, path.Replace("{s}", Subject(), StringComparison.Ordinal), body);

        Assert.Equal(status, answer.Status);
        Assert.True(answer.Json?["error_code"] is not null && (int)answer.Json["error_code"]! == errorCode, answer.Text);
        Assert.False(string.IsNullOrWhiteSpace((string?)answer.Json["message"]), answer.Text);
    }

    public void Dispose() => _http.Dispose();

    private static string Subject() => $"api-{Guid.NewGuid():N}"[..16] + "-value";

    private static string InNamespace(string schema, string space) => schema.Replace("\"namespace\": \"t\"", $"\"namespace\": \"{space}\"", StringComparison.Ordinal);

    private static string Body(string schema) => new JsonObject { ["schema"] = schema }.ToJsonString();

    /// <summary>The subject's version numbers, as "1,2".</summary>
    private async Task<string> VersionsAsync(string subject, bool deleted = false) =>
        string.Join(",", (await SendAsync(_http, "GET", $"/subjects/{subject}/versions{(deleted ? "?deleted=true" : "")}")).Json!.AsArray().Select(v => (int)v!));

    private static async Task ExpectAsync(HttpClient http, string method, string path, string? body, HttpStatusCode status, string? json)
    {
        var answer = await SendAsync(http, method, path, body);
        Assert.True(answer.Status == status, $"{method} {path}: {(int)answer.Status} {answer.Text}");
        if (json is not null)
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), answer.Json), $"{method} {path}: expected {json}, got {answer.Text}");
    }

    private static async Task ExpectErrorAsync(HttpClient http, string method, string path, string? body, HttpStatusCode status, int errorCode)
    {
        var answer = await SendAsync(http, method, path, body);
        Assert.True(answer.Status == status && (int?)answer.Json?["error_code"] == errorCode, $"{method} {path}: expected {(int)status} {errorCode}, got {(int)answer.Status} {answer.Text}");
    }

    private static async Task<Answer> SendAsync(HttpClient http, string method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            json = null;
        }

        return new Answer(response.StatusCode, text, json);
    }

    private sealed record Answer(HttpStatusCode Status, string Text, JsonNode? Json);
}
