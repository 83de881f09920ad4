using Segmenter.Contracts;

namespace Segmenter.Benchmarks;

/// <summary>
/// The same input for every column: devices that wake up, send a few measurements and complete, again and again,
/// interleaved as their events would arrive. Deterministic for a given seed.
/// </summary>
internal static class Workload
{
    private static readonly string[] Metrics = ["pressure", "temperature", "wind", "humidity"];

    public static List<(string Device, Envelope Envelope)> Generate(int devices, int events, int seed = 42)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var positions = new int[devices]; // where each device is in its session: 0 = wake-up next
        var seqs = new long[devices];
        var times = new DateTimeOffset[devices];
        Array.Fill(times, start);
        var workload = new List<(string, Envelope)>(events);
        for (var i = 0; i < events; i++)
        {
            var d = random.Next(devices);
            times[d] = times[d].AddMilliseconds(random.Next(50, 500));
            DeviceEvent evt = positions[d] switch
            {
                0 => DeviceWokeUp.Instance,
                >= 6 => AllDataReceived.Instance,
                _ => new DataReceived(Metrics[random.Next(Metrics.Length)], Math.Round(random.NextDouble() * 100, 3)),
            };
            positions[d] = evt is AllDataReceived ? 0 : positions[d] + 1;
            workload.Add(($"device-{d}", new Envelope(evt, times[d], ++seqs[d])));
        }

        return workload;
    }
}
