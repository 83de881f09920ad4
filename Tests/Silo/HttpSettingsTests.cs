using Segmenter.Silo.Configuration;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Silo;

/// <summary>Which <c>Urls</c> open the dashboard and the query API to the network (the silo warns unless they need authentication).</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class HttpSettingsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "")]
    [InlineData("http://localhost:8080;http://[::1]:8080", "")]
    [InlineData("http://0.0.0.0:8080", "http://0.0.0.0:8080")]
    [InlineData("http://*:8080", "http://*:8080")]
    [InlineData("http://+:8080", "http://+:8080")]
    [InlineData("http://127.0.0.1:8080;http://10.1.2.3:8080", "http://10.1.2.3:8080")]
    [InlineData("https://silo.example:443", "https://silo.example:443")]
    public void Only_loopback_addresses_stay_on_the_machine(string urls, string reachable) =>
        Assert.Equal(reachable, string.Join(";", HttpSettings.ReachableFromTheNetwork(urls)));

    [Fact]
    public void Anonymous_paths_are_a_list_and_must_be_paths()
    {
        var settings = new HttpSettings { BasicAuthUserInfo = "admin:pw", AnonymousPaths = "/health, /metrics,ready" };

        Assert.Equal(["/health", "/metrics", "ready"], settings.AnonymousPathList);
        Assert.Equal(["Http:AnonymousPaths must list paths starting with '/' (got 'ready')."], HttpSettingsValidator.Problems(settings));
        Assert.Equal("admin", settings.User);
    }
}
