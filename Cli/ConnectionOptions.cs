using System.CommandLine;

namespace Segmenter.Cli;

/// <summary>
/// The options every command that talks to Kafka shares: <c>--bootstrap</c>, <c>--schema-registry</c> and
/// <c>--connect-timeout</c>. Defaults match the embedded silo (librdkafka mock broker on 127.0.0.1:9092, embedded
/// registry on 127.0.0.1:8081). Added to a root command as recursive options, so every subcommand takes them.
/// </summary>
public sealed class ConnectionOptions
{
    public const string DefaultBootstrap = "127.0.0.1:9092";
    public const string DefaultSchemaRegistry = "http://127.0.0.1:8081";

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

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(SchemaRegistry);
        command.Options.Add(ConnectTimeout);
    }

    public ConnectionSettings Read(ParseResult parse) =>
        new(parse.GetValue(Bootstrap)!, parse.GetValue(SchemaRegistry)!.TrimEnd('/'), parse.GetValue(ConnectTimeout));

    private static Option<Duration> WithRecursion(Option<Duration> option)
    {
        option.Recursive = true;
        return option;
    }
}
