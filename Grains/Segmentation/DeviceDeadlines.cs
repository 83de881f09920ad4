namespace Segmenter.Grains.Segmentation;

/// <summary>
/// The moments at which a device may need attention, as the partition's deadline scheduler indexes them.
/// </summary>
/// <param name="EventDeadline">
/// Open session: once its processing-time deadline has passed, it times out when the partition's stream time is after
/// this (a backlog), if the partition has not confirmed it caught up before.
/// </param>
/// <param name="ArrivalDeadline">
/// Open session: it times out once processing time reaches this and the partition confirmed, at or after it, that it
/// had delivered everything it held.
/// </param>
/// <param name="PurgeDue">No session open: the device may be forgotten from this moment (once its last record is committed).</param>
public readonly record struct DeviceDeadlines(DateTimeOffset? EventDeadline, DateTimeOffset? ArrivalDeadline, DateTimeOffset? PurgeDue);
