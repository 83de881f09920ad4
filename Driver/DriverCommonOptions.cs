using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>The options of every driver command: where Kafka and the registry are, and the input topic.</summary>
internal sealed class DriverCommonOptions
{
    public ConnectionOptions Connection { get; } = new();

    public Option<string> Topic { get; } = new("--topic")
    {
        Description = "The input topic the silo reads.",
        HelpName = "name",
        DefaultValueFactory = _ => "events",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        Connection.AddTo(root);
        root.Options.Add(Topic);
    }
}
