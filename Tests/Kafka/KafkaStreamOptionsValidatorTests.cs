using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>The delivery-failure bounds are checked at start, each wrong one named.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class KafkaStreamOptionsValidatorTests
{
    [Fact]
    public void The_defaults_ride_out_an_outage_of_minutes_and_give_up_on_a_record_in_one()
    {
        var options = Valid();
        Assert.Empty(KafkaStreamOptionsValidator.Validate(options, "kafka"));
        Assert.Equal((5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15)), (options.DeliveryAttempts, options.DeliveryFailureMinimumTime, options.PassingFailureLimit));
    }

    [Fact]
    public void Bounds_that_cannot_work_are_named()
    {
        var options = Valid();
        options.DeliveryFailureMinimumTime = TimeSpan.FromSeconds(-1);
        options.PassingFailureLimit = TimeSpan.Zero;
        options.DeliveryAttempts = 0;

        var problems = KafkaStreamOptionsValidator.Validate(options, "kafka");

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Kafka stream provider 'kafka': DeliveryFailureMinimumTime must not be negative", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Kafka stream provider 'kafka': PassingFailureLimit must be positive", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Kafka stream provider 'kafka': DeliveryAttempts must be at least 1", StringComparison.Ordinal));
    }

    private static KafkaStreamOptions Valid()
    {
        var options = new KafkaStreamOptions { BootstrapServers = "localhost:9092", ConsumerGroupId = "g" };
        options.AddInputTopic("events", _ => throw new NotSupportedException());
        return options;
    }
}
