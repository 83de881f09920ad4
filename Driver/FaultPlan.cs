namespace Segmenter.Driver;

/// <summary>
/// Realistic faults a load run injects on demand, each with its probability per event:
/// <see cref="Loss"/> drops wake-ups and closing events (the device sent them, the network lost them, so their seq is
/// used up), <see cref="Duplicates"/> sends an event a second time with the same seq (a device's retry),
/// <see cref="Late"/> gives an event a timestamp up to <see cref="LateBy"/> in the past.
/// </summary>
internal sealed record FaultPlan(double Loss, double Duplicates, double Late, TimeSpan LateBy)
{
    public bool Any => Loss > 0 || Duplicates > 0 || Late > 0;
}
