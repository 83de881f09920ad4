
namespace Segmenter.Benchmarks;

/// <summary>The full pipeline: the Kafka provider reads the input topic, Avro, the grain, Redis state, Avro outputs to Kafka.</summary>
internal static class SegmenterRun
{
    public static async Task<ColumnResult> RunAsync(BenchInfrastructure infrastructure, string inputTopic, int partitions, int expected, int silos, int? cacheSize)
    {
        ProcessedEventCounter.Reset();
        var run = $"{inputTopic}-s{silos}";
        await using var cluster = await BenchSilos.StartSegmenterAsync(infrastructure, silos, run, inputTopic, partitions, cacheSize: cacheSize);
        // Measured from here: the silos are up (start-up and the first reads are not part of the steady state).
        var before = ProcessedEventCounter.Processed;
        using var sampler = ResourceSampler.Start(infrastructure.RedisPid);
        await ProcessedEventCounter.WaitForAsync(expected, silos == 1 ? "segmenter" : $"segmenter ({silos} silos)");
        return sampler.Finish(silos == 1 ? "segmenter" : $"segmenter ({silos} silos)", ProcessedEventCounter.Processed - before, 0);
    }
}
