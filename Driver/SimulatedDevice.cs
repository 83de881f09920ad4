using Segmenter.Contracts;

namespace Segmenter.Driver;

/// <summary>
/// A device that lives through random sessions, one event per call: it wakes up, sends a few readings, and then
/// mostly says it sent all its data; sometimes it just stops, so the session ends by a timeout or by the next
/// wake-up. Every event gets the device's next <c>seq</c> (1, 2, ...), as a device with a retry-safe protocol would.
/// </summary>
internal sealed class SimulatedDevice(string id, Random random, long firstSeq, int maxReadings)
{
    /// <summary>The metrics the demo's devices report.</summary>
    public static readonly string[] Metrics = ["pressure", "temperature", "wind", "humidity"];

    /// <summary>Share of sessions that end with AllDataReceived; the others are abandoned.</summary>
    private const double CompletedShare = 0.85;

    private long _nextSeq = firstSeq;
    private int _readingsLeft = -1; // -1: no session under way, the next event is a wake-up
    private bool _completes;

    public string Id { get; } = id;

    public Envelope Next(DateTimeOffset now)
    {
        DeviceEvent next;
        if (_readingsLeft < 0)
        {
            _readingsLeft = random.Next(1, maxReadings + 1);
            _completes = random.NextDouble() < CompletedShare;
            next = DeviceWokeUp.Instance;
        }
        else if (_readingsLeft > 0)
        {
            _readingsLeft--;
            next = new DataReceived(Metrics[random.Next(Metrics.Length)], Math.Round(random.NextDouble(), 3));
            if (_readingsLeft == 0 && !_completes)
                _readingsLeft = -1; // abandoned: the next event wakes the device up again
        }
        else
        {
            _readingsLeft = -1;
            next = AllDataReceived.Instance;
        }

        return new Envelope(next, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), _nextSeq++);
    }
}
