using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Cli;

/// <summary>
/// The options every command that talks to Kafka shares: <c>--bootstrap</c>, <c>--schema-registry</c>,
/// <c>--connect-timeout</c>, and how to sign in to a secured cluster and registry (<c>--security-protocol</c>,
/// <c>--sasl-*</c>, <c>--ssl-*</c>, <c>--schema-registry-user-info</c>). Defaults match the embedded silo (librdkafka
/// mock broker on 127.0.0.1:9092, embedded registry on 127.0.0.1:8081). Added to a root command as recursive options,
/// so every subcommand takes them.
/// </summary>
/// <remarks>
/// The security settings are read first from the silo's environment variables (<c>Kafka__Security__SaslPassword</c>,
/// <c>SchemaRegistry__BasicAuthUserInfo</c>, any <c>Kafka__Security__*</c>), so one environment configures the silo and
/// both CLIs and no secret needs to be on a command line, where <c>ps</c> shows it; an option given overrides its variable.
/// </remarks>
public sealed class ConnectionOptions
{
    public const string DefaultBootstrap = "127.0.0.1:9092";
    public const string DefaultSchemaRegistry = "http://127.0.0.1:8081";

    private readonly IConfiguration _environment;
    private ConnectionSettings? _read;

    public ConnectionOptions(IConfiguration? environment = null) =>
        _environment = environment ?? new ConfigurationBuilder().AddEnvironmentVariables().Build();

    public Option<string> Bootstrap { get; } = new("--bootstrap")
    {
        Description = "Kafka bootstrap servers (host:port[,host:port...]).",
        HelpName = "servers",
        DefaultValueFactory = _ => DefaultBootstrap,
        Recursive = true,
    };

    public Option<string> SchemaRegistry { get; } = new("--schema-registry")
    {
        Description = "Schema registry URL; records are Avro with topic-name subjects (<topic>-key, <topic>-value).",
        HelpName = "url",
        DefaultValueFactory = _ => DefaultSchemaRegistry,
        Recursive = true,
    };

    public Option<Duration> ConnectTimeout { get; } = WithRecursion(DurationOption.Create("--connect-timeout",
        "How long to wait for Kafka and the registry to answer before exiting with code 3.", TimeSpan.FromSeconds(5)));

    public Option<string> SecurityProtocol { get; } = Text("--security-protocol", "protocol",
        "PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL [env Kafka__Security__Protocol].");

    public Option<string> SaslMechanism { get; } = Text("--sasl-mechanism", "mechanism",
        "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER (oidc, with the Kafka__Security__OAuthBearer* variables) [env Kafka__Security__SaslMechanism].");

    public Option<string> SaslUsername { get; } = Text("--sasl-username", "user", "SASL user (Confluent Cloud: API key) [env Kafka__Security__SaslUsername].");

    public Option<string> SaslPassword { get; } = Text("--sasl-password", "password",
        "SASL password (Confluent Cloud: API secret); prefer the variable, a command line is visible to other users [env Kafka__Security__SaslPassword].");

    public Option<string> SslCaLocation { get; } = Text("--ssl-ca-location", "file", "PEM file of the brokers' certificate authorities, or 'probe' [env Kafka__Security__SslCaLocation].");

    public Option<string> SslCertificateLocation { get; } = Text("--ssl-certificate-location", "file", "Client certificate (PEM) for mutual TLS [env Kafka__Security__SslCertificateLocation].");

    public Option<string> SslKeyLocation { get; } = Text("--ssl-key-location", "file", "Client key (PEM) for mutual TLS [env Kafka__Security__SslKeyLocation].");

    public Option<string> SslKeyPassword { get; } = Text("--ssl-key-password", "password", "Password of an encrypted client key [env Kafka__Security__SslKeyPassword].");

    public Option<string> SchemaRegistryUserInfo { get; } = Text("--schema-registry-user-info", "user:password",
        "Registry basic authentication (Confluent Cloud: registry API key:secret) [env SchemaRegistry__BasicAuthUserInfo].");

    private IEnumerable<Option> All =>
    [
        Bootstrap, SchemaRegistry, ConnectTimeout, SecurityProtocol, SaslMechanism, SaslUsername, SaslPassword,
        SslCaLocation, SslCertificateLocation, SslKeyLocation, SslKeyPassword, SchemaRegistryUserInfo,
    ];

    public void AddTo(Command command)
    {
        foreach (var option in All)
            command.Options.Add(option);
    }

    /// <summary>
    /// The connection settings; a <see cref="CommandFailedException.Usage"/> (exit code 2) when the security settings do
    /// not fit together, naming what is missing.
    /// </summary>
    public ConnectionSettings Read(ParseResult parse)
    {
        var security = new KafkaSecurityOptions();
        _environment.GetSection("Kafka:Security").Bind(security);
        Override(parse, SecurityProtocol, v => security.Protocol = v);
        Override(parse, SaslMechanism, v => security.SaslMechanism = v);
        Override(parse, SaslUsername, v => security.SaslUsername = v);
        Override(parse, SaslPassword, v => security.SaslPassword = v);
        Override(parse, SslCaLocation, v => security.SslCaLocation = v);
        Override(parse, SslCertificateLocation, v => security.SslCertificateLocation = v);
        Override(parse, SslKeyLocation, v => security.SslKeyLocation = v);
        Override(parse, SslKeyPassword, v => security.SslKeyPassword = v);
        var userInfo = _environment["SchemaRegistry:BasicAuthUserInfo"] ?? "";
        Override(parse, SchemaRegistryUserInfo, v => userInfo = v);

        var settings = new ConnectionSettings(parse.GetValue(Bootstrap)!, parse.GetValue(SchemaRegistry)!.TrimEnd('/'), parse.GetValue(ConnectTimeout))
        {
            Security = security,
            SchemaRegistryUserInfo = userInfo,
        };
        // The options' names, not the silo's sections, in what the user reads.
        var problems = KafkaSecurityOptionsValidator.Problems(security, "Kafka:Security").Concat(SchemaRegistrySettingsValidator.Problems(settings.Registry))
            .Select(p => p.Replace("SchemaRegistry:Url", "--schema-registry", StringComparison.Ordinal))
            .ToList();
        _read = settings;
        if (problems.Count > 0)
            throw CommandFailedException.Usage("The connection settings do not fit together (options, or the Kafka__Security__* / SchemaRegistry__* variables):"
                + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        return settings;
    }

    /// <summary><paramref name="text"/> without the secrets of the settings last read (for the CLI's error messages).</summary>
    public string Redact(string text) => _read?.Redact(text) ?? text;

    private static void Override(ParseResult parse, Option<string> option, Action<string> set)
    {
        if (parse.GetResult(option) is { Implicit: false } && parse.GetValue(option) is { } value)
            set(value);
    }

    private static Option<string> Text(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Recursive = true };

    private static Option<Duration> WithRecursion(Option<Duration> option)
    {
        option.Recursive = true;
        return option;
    }
}
