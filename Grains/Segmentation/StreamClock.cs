namespace Segmenter.Grains.Segmentation;

/// <summary>
/// The clocks rule 4 consults. Normally inactivity is measured in processing time (<see cref="Now"/>). While
/// the device's input partition lags behind (a backlog after downtime), the next event may already be waiting
/// unread, so inactivity is judged by the partition's stream time instead, as Kafka Streams does.
/// </summary>
/// <param name="Now">Current processing time.</param>
/// <param name="LaggingStreamTime">
/// When the device's partition has unread records: the highest event time read from it so far. Null when
/// the partition is caught up (or unknown), which selects processing time.
/// </param>
public readonly record struct StreamClock(DateTimeOffset Now, DateTimeOffset? LaggingStreamTime = null);
