namespace Segmenter.Tests.Cli;

/// <summary>
/// An events file that exercises every rule of the contract, one device per case, and what the pipeline must make of
/// it (inactivity timeout 2 s, maximum session duration 10 s): per line the session it joins (A, B, ... per device in
/// order of opening; x for a retry that is dropped), and the summary of every session as <c>reader --format jsonl</c>
/// prints it, with the letters in place of the session ids.
/// </summary>
internal static class RuleReplayFile
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxSessionDuration = TimeSpan.FromSeconds(10);

    /// <summary>Device, the session letter of each of its lines, and its lines.</summary>
    public static readonly (string Device, string Sessions, string[] Lines)[] Cases =
    [
        // Rules 1 and 3: a wake-up opens, data joins, all-data completes; metrics are summarised.
        ("completed", "AAAAA",
        [
            """{"device": "completed", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z", "seq": 1}""",
            """{"device": "completed", "event": "DataReceived", "name": "pressure", "value": 0.5, "timestamp": "2026-01-01T00:00:00.500Z", "seq": 2}""",
            """{"device": "completed", "event": "DataReceived", "name": "pressure", "value": 1.5, "timestamp": "2026-01-01T00:00:01.000Z", "seq": 3}""",
            """{"device": "completed", "event": "DataReceived", "name": "temperature", "value": 20, "timestamp": "2026-01-01T00:00:01.200Z", "seq": 4}""",
            """{"device": "completed", "event": "AllDataReceived", "timestamp": "2026-01-01T00:00:01.500Z", "seq": 5}""",
        ]),
        // Rule 1: a wake-up within the timeout supersedes the open session.
        ("superseded", "AABB",
        [
            """{"device": "superseded", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "superseded", "event": "DataReceived", "name": "wind", "value": 3, "timestamp": "2026-01-01T00:00:01.000Z"}""",
            """{"device": "superseded", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:02.000Z"}""",
            """{"device": "superseded", "event": "DataReceived", "name": "wind", "value": 4, "timestamp": "2026-01-01T00:00:03.000Z"}""",
        ]),
        // Rule 1: a wake-up after the timeout closes the open session as timed out.
        ("woke-after-timeout", "AB",
        [
            """{"device": "woke-after-timeout", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "woke-after-timeout", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:05.000Z"}""",
        ]),
        // Rule 2: data without a session opens one whose wake-up was lost.
        ("lost-wake-up", "AA",
        [
            """{"device": "lost-wake-up", "event": "DataReceived", "name": "humidity", "value": 0.4, "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "lost-wake-up", "event": "DataReceived", "name": "humidity", "value": 0.6, "timestamp": "2026-01-01T00:00:01.000Z"}""",
        ]),
        // Rule 2: data after the timeout closes the stale session and opens one without wake-up.
        ("data-after-timeout", "AB",
        [
            """{"device": "data-after-timeout", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "data-after-timeout", "event": "DataReceived", "name": "pressure", "value": 1, "timestamp": "2026-01-01T00:00:05.000Z"}""",
        ]),
        // Rule 3: all-data with no session is a session of its own, completed at once.
        ("all-data-alone", "A",
        [
            """{"device": "all-data-alone", "event": "AllDataReceived", "timestamp": "2026-01-01T00:00:00.000Z"}""",
        ]),
        // Rule 3: all-data after the timeout closes the stale session and completes one of its own.
        ("all-data-after-timeout", "AB",
        [
            """{"device": "all-data-after-timeout", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "all-data-after-timeout", "event": "AllDataReceived", "timestamp": "2026-01-01T00:00:05.000Z"}""",
        ]),
        // Rule 4: no next event; the session times out in processing time (as the last session of every device does).
        ("inactive", "AA",
        [
            """{"device": "inactive", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "inactive", "event": "DataReceived", "name": "pressure", "value": 2, "timestamp": "2026-01-01T00:00:01.000Z"}""",
        ]),
        // Rule 5: the event that takes the session past 10 s closes it and opens the next one.
        ("long", "AAAAAAB",
        [
            """{"device": "long", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 1, "timestamp": "2026-01-01T00:00:02.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 2, "timestamp": "2026-01-01T00:00:04.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 3, "timestamp": "2026-01-01T00:00:06.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 4, "timestamp": "2026-01-01T00:00:08.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 5, "timestamp": "2026-01-01T00:00:10.000Z"}""",
            """{"device": "long", "event": "DataReceived", "name": "pressure", "value": 6, "timestamp": "2026-01-01T00:00:11.000Z"}""",
        ]),
        // Rule 6: a retry (same seq) is dropped and counted in its session.
        ("retry", "AAxA",
        [
            """{"device": "retry", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z", "seq": 1}""",
            """{"device": "retry", "event": "DataReceived", "name": "pressure", "value": 1, "timestamp": "2026-01-01T00:00:01.000Z", "seq": 2}""",
            """{"device": "retry", "event": "DataReceived", "name": "pressure", "value": 1, "timestamp": "2026-01-01T00:00:01.000Z", "seq": 2}""",
            """{"device": "retry", "event": "AllDataReceived", "timestamp": "2026-01-01T00:00:02.000Z", "seq": 3}""",
        ]),
        // Rule 7: a late event is accepted where it arrives and counted out of order.
        ("late", "AAAA",
        [
            """{"device": "late", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z"}""",
            """{"device": "late", "event": "DataReceived", "name": "pressure", "value": 1, "timestamp": "2026-01-01T00:00:01.500Z"}""",
            """{"device": "late", "event": "DataReceived", "name": "pressure", "value": 2, "timestamp": "2026-01-01T00:00:00.500Z"}""",
            """{"device": "late", "event": "AllDataReceived", "timestamp": "2026-01-01T00:00:02.000Z"}""",
        ]),
        // The demo's own records: no seq; timestamps given as epoch milliseconds.
        ("epoch-millis", "AAA",
        [
            """{"device": "epoch-millis", "event": "DeviceWokeUp", "timestamp": 1767225600000}""",
            """{"device": "epoch-millis", "event": "DataReceived", "name": "temperature", "value": 21.5, "timestamp": 1767225600250}""",
            """{"device": "epoch-millis", "event": "AllDataReceived", "timestamp": 1767225600500}""",
        ]),
    ];

    /// <summary>Every session's summary, by device and letter (times: 1767225600000 is 2026-01-01T00:00:00Z).</summary>
    public static readonly string[] Summaries =
    [
        """{"device":"completed","sessionId":"A","reason":"Completed","eventCount":5,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225601500,"metrics":{"pressure":{"count":2,"min":0.5,"max":1.5,"mean":1,"last":1.5},"temperature":{"count":1,"min":20,"max":20,"mean":20,"last":20}}}""",
        """{"device":"superseded","sessionId":"A","reason":"Superseded","eventCount":2,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225601000,"metrics":{"wind":{"count":1,"min":3,"max":3,"mean":3,"last":3}}}""",
        """{"device":"superseded","sessionId":"B","reason":"TimedOut","eventCount":2,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225602000,"ended":1767225603000,"metrics":{"wind":{"count":1,"min":4,"max":4,"mean":4,"last":4}}}""",
        """{"device":"woke-after-timeout","sessionId":"A","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225600000,"metrics":{}}""",
        """{"device":"woke-after-timeout","sessionId":"B","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225605000,"ended":1767225605000,"metrics":{}}""",
        """{"device":"lost-wake-up","sessionId":"A","reason":"TimedOut","eventCount":2,"startedWithoutWakeUp":true,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225601000,"metrics":{"humidity":{"count":2,"min":0.4,"max":0.6,"mean":0.5,"last":0.6}}}""",
        """{"device":"data-after-timeout","sessionId":"A","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225600000,"metrics":{}}""",
        """{"device":"data-after-timeout","sessionId":"B","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":true,"duplicatesDropped":0,"outOfOrder":0,"started":1767225605000,"ended":1767225605000,"metrics":{"pressure":{"count":1,"min":1,"max":1,"mean":1,"last":1}}}""",
        """{"device":"all-data-alone","sessionId":"A","reason":"Completed","eventCount":1,"startedWithoutWakeUp":true,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225600000,"metrics":{}}""",
        """{"device":"all-data-after-timeout","sessionId":"A","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225600000,"metrics":{}}""",
        """{"device":"all-data-after-timeout","sessionId":"B","reason":"Completed","eventCount":1,"startedWithoutWakeUp":true,"duplicatesDropped":0,"outOfOrder":0,"started":1767225605000,"ended":1767225605000,"metrics":{}}""",
        """{"device":"inactive","sessionId":"A","reason":"TimedOut","eventCount":2,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225601000,"metrics":{"pressure":{"count":1,"min":2,"max":2,"mean":2,"last":2}}}""",
        """{"device":"long","sessionId":"A","reason":"MaxDuration","eventCount":6,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225610000,"metrics":{"pressure":{"count":5,"min":1,"max":5,"mean":3,"last":5}}}""",
        """{"device":"long","sessionId":"B","reason":"TimedOut","eventCount":1,"startedWithoutWakeUp":true,"duplicatesDropped":0,"outOfOrder":0,"started":1767225611000,"ended":1767225611000,"metrics":{"pressure":{"count":1,"min":6,"max":6,"mean":6,"last":6}}}""",
        """{"device":"retry","sessionId":"A","reason":"Completed","eventCount":3,"startedWithoutWakeUp":false,"duplicatesDropped":1,"outOfOrder":0,"started":1767225600000,"ended":1767225602000,"metrics":{"pressure":{"count":1,"min":1,"max":1,"mean":1,"last":1}}}""",
        """{"device":"late","sessionId":"A","reason":"Completed","eventCount":4,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":1,"started":1767225600000,"ended":1767225602000,"metrics":{"pressure":{"count":2,"min":1,"max":2,"mean":1.5,"last":2}}}""",
        """{"device":"epoch-millis","sessionId":"A","reason":"Completed","eventCount":3,"startedWithoutWakeUp":false,"duplicatesDropped":0,"outOfOrder":0,"started":1767225600000,"ended":1767225600500,"metrics":{"temperature":{"count":1,"min":21.5,"max":21.5,"mean":21.5,"last":21.5}}}""",
    ];

    public static IEnumerable<string> Lines => Cases.SelectMany(c => c.Lines);

    public static IEnumerable<string> Devices => Cases.Select(c => c.Device);
}
