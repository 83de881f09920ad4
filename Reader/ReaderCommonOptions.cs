using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Reader;

/// <summary>The options of every reader command: where Kafka and the schema registry are.</summary>
internal sealed class ReaderCommonOptions
{
    public ConnectionOptions Connection { get; } = new();

    public void AddTo(RootCommand root) => Connection.AddTo(root);

    /// <summary>A topic-name option (<c>--sessions-topic</c> etc.) with the embedded silo's default name.</summary>
    public static Option<string> TopicOption(string name, string defaultTopic, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "name",
            DefaultValueFactory = _ => defaultTopic,
        };
}
