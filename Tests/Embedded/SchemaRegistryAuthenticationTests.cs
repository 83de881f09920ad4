using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Embedded.SchemaRegistry;
using Segmenter.Serialization;
using Segmenter.Hosting.Kafka;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Tests.Embedded;

/// <summary>
/// The embedded registry behind basic authentication answers as Confluent's does (401 with its error JSON), and the
/// silo's serdes work through it with <c>SchemaRegistry:BasicAuthUserInfo</c> and keep records (never dead-letter them)
/// while the credentials are missing or wrong.
/// </summary>
public sealed class SchemaRegistryAuthenticationTests : IAsyncLifetime
{
    private const string UserInfo = "sr-key:sr-S3cret:with-colon";
    private const string Topic = "auth-events";
    private EmbeddedSchemaRegistry? _registry;

    private string Url => _registry!.Url;

    public async Task InitializeAsync() => _registry = await EmbeddedSchemaRegistry.StartAsync(0, UserInfo);

    public async Task DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sr-key:wrong")]
    [InlineData("not base64!")]
    public async Task Without_the_right_credentials_every_request_is_401_with_confluents_error_body(string? presented)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Url}/subjects");
        if (presented is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", presented.Contains(' ', StringComparison.Ordinal) ? presented : Convert.ToBase64String(Encoding.UTF8.GetBytes(presented)));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((401, "Unauthorized"), ((int)body["error_code"]!, (string)body["message"]!));
    }

    [Fact]
    public async Task The_silos_serdes_register_write_and_read_with_the_credentials()
    {
        var settings = new SchemaRegistrySettings { Url = Url, BasicAuthUserInfo = UserInfo };
        Assert.Empty(SchemaRegistrySettingsValidator.Problems(settings));
        var serdes = new ContractSerdes(settings.CreateClient());
        var envelope = new Envelope(new DataReceived("pressure", 1.5), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), Seq: 7);

        var record = await RecordAsync(serdes, "authenticated", envelope);
        var result = await new DeviceInputDecoder(new ContractSerdes(settings.CreateClient())).DecodeAsync(record, CancellationToken.None);

        Assert.False(result.IsPoison, result.PoisonReason);
        Assert.Equal(envelope, Assert.IsType<DeviceInput>(result.Event).Envelope);
        Assert.Equal("sr-key", settings.User);
        Assert.DoesNotContain("S3cret", settings.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sr-key:wrong-password")]
    public async Task Missing_or_wrong_credentials_defer_a_record_naming_the_setting_and_never_dead_letter_it(string userInfo)
    {
        var record = await RecordAsync(new ContractSerdes(new SchemaRegistrySettings { Url = Url, BasicAuthUserInfo = UserInfo }.CreateClient()),
            "refused", new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch.AddDays(1)));
        var refused = new SchemaRegistrySettings { Url = Url, BasicAuthUserInfo = userInfo };

        var error = await Record.ExceptionAsync(async () =>
            await new DeviceInputDecoder(new ContractSerdes(refused.CreateClient())).DecodeAsync(record, CancellationToken.None));

        var deferred = Assert.IsType<KafkaDecodeDeferredException>(error);
        Assert.Contains("The schema registry refused the credentials", deferred.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaRegistry:BasicAuthUserInfo", deferred.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<SchemaRegistryException>(deferred.InnerException).Status);
        Assert.DoesNotContain("wrong-password", deferred.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081", "only-a-user", "SchemaRegistry:BasicAuthUserInfo must be user:password (API key and secret), both parts non-empty.")]
    [InlineData("http://127.0.0.1:8081", ":secret", "SchemaRegistry:BasicAuthUserInfo must be user:password (API key and secret), both parts non-empty.")]
    [InlineData("https://key:s3cr3t@registry.example", "", "SchemaRegistry:Url must not carry credentials ('https://***@registry.example'): put them in SchemaRegistry:BasicAuthUserInfo as user:password.")]
    [InlineData("registry:8081", "", "SchemaRegistry:Url must be an http(s) address (got 'registry:8081').")]
    public void Settings_that_cannot_work_are_named_without_their_secrets(string url, string userInfo, string problem)
    {
        var problems = SchemaRegistrySettingsValidator.Problems(new SchemaRegistrySettings { Url = url, BasicAuthUserInfo = userInfo });

        Assert.Equal([problem], problems);
    }

    private static async Task<ConsumeResult<byte[], byte[]>> RecordAsync(ContractSerdes serdes, string device, Envelope envelope) => new()
    {
        Topic = Topic,
        Partition = 0,
        Offset = 1,
        Message = new Message<byte[], byte[]>
        {
            Key = await serdes.DeviceSerializer.SerializeAsync(new Device(device), new SerializationContext(MessageComponentType.Key, Topic)),
            Value = await serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, Topic)),
            Headers = [],
            Timestamp = new Timestamp(DateTimeOffset.UtcNow),
        },
    };
}
