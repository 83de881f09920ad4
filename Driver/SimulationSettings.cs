namespace Segmenter.Driver;

/// <summary>What a demo or load run simulates: which devices, their first seq, the random seed, when to stop, where to record.</summary>
internal sealed record SimulationSettings(
    int Devices, string DevicePrefix, long FirstSeq, int? Seed, RunLimit Limit, string? RecordPath)
{
    public Random NewRandom() => Seed is { } seed ? new Random(seed) : new Random();

    public SimulatedDevice[] CreateDevices(Random random, int maxReadings) =>
        [.. Enumerable.Range(0, Devices).Select(i => new SimulatedDevice($"{DevicePrefix}{i}", random, FirstSeq, maxReadings))];
}
