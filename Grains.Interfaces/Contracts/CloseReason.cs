namespace Segmenter.Contracts;

/// <summary>Why a session was closed (Avro enum <c>sessions.CloseReason</c>; symbol order is part of the wire format).</summary>
[GenerateSerializer]
public enum CloseReason
{
    /// <summary>An <c>AllDataReceived</c> closed it (rule 3).</summary>
    Completed = 0,

    /// <summary>No event came within the inactivity timeout (rules 1, 2, 3 and 4).</summary>
    TimedOut = 1,

    /// <summary>A <c>DeviceWokeUp</c> opened a newer session within the timeout (rule 1).</summary>
    Superseded = 2,

    /// <summary>It lasted longer than <c>maxSessionDuration</c> in event time (rule 5).</summary>
    MaxDuration = 3,
}
