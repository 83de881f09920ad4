namespace Segmenter.Contracts;

/// <summary>
/// What a device reports: the Avro union { DeviceWokeUp, DataReceived, AllDataReceived } of the
/// <c>events.Envelope</c> record. Closed hierarchy: the three sealed records below are the only cases.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record DeviceEvent
{
    private protected DeviceEvent()
    {
    }

    /// <summary>The case name as it appears in the Avro schema and in logs.</summary>
    public abstract string Kind { get; }
}

/// <summary>The device woke up: it opens a session.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceWokeUp : DeviceEvent
{
    /// <summary>The case has no fields; one instance serves every event.</summary>
    public static DeviceWokeUp Instance { get; } = new();

    public override string Kind => nameof(DeviceWokeUp);

    public override string ToString() => Kind;
}

/// <summary>One measurement, such as <c>pressure = 0.275</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record DataReceived([property: Id(0)] string Name, [property: Id(1)] double Value) : DeviceEvent
{
    public override string Kind => nameof(DataReceived);

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"DataReceived({Name},{Value:0.###})");
}

/// <summary>The device sent everything it had: it closes the session.</summary>
[GenerateSerializer, Immutable]
public sealed record AllDataReceived : DeviceEvent
{
    /// <summary>The case has no fields; one instance serves every event.</summary>
    public static AllDataReceived Instance { get; } = new();

    public override string Kind => nameof(AllDataReceived);

    public override string ToString() => Kind;
}
