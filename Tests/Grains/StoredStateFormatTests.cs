using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Segmenter.Contracts;
using Segmenter.Grains;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Tests.Grains;

/// <summary>
/// The device state in Redis is Orleans' binary encoding of <see cref="PersistedDeviceState"/>, written through the
/// same <see cref="OrleansGrainStorageSerializer"/> the silo uses. The bytes below were written by the version of
/// commit 36dcc3d: state stored by earlier silos must still load, field for field. The writing test shows a change of
/// field ids, types or layout first; if one is meant (a new field), add the new bytes beside these, never replace them.
/// </summary>
public sealed class StoredStateFormatTests
{
    private const string FullStateHex =
        "2020401373657373696F6E2D612180B051F132A64BDF088100D088C310000000E02180306F1D37A64BDF088100D088C310000000E02180B0"
        + "05B637A64BDF088100D088C310000000E0013101030109010D213001312CD42E1D537472696E67436F6D706172657200030101E001054117"
        + "74656D706572617475726520E8001181000000000000F8BF810000000000403640810000000000404440810000000000003540E040117072"
        + "65737375726520E80005810000000000A88F40810000000000A88F40810000000000A88F40810000000000A88F40E0E0E001A521E8000D61"
        + "87D61200E02180309C4E38A64BDF088100D088C310000000E00115011922E840116465766963652D37411373657373696F6E2D302180B0F3"
        + "2080A54BDF088100D088C310000000E02180B039E4A3A54BDF088100D088C310000000E0012501050101010501012120000321C02D21E800"
        + "2581000000000000F03F810000000000002240810000000000001440810000000000002240E0E0E0390300030101E0C101E0E0E0";

    private const string EmptyOpenStateHex =
        "20C001C10121E800010101E02180B051F132A64BDF088100D088C310000000E001010105C201E0";

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 15, 30, 123, TimeSpan.FromHours(2));

    [Fact]
    public void State_written_by_earlier_versions_loads_field_for_field()
    {
        var engine = DeviceStateMapping.ToEngine(Read(FullStateHex), "device-7");

        Assert.Equal("device-7", engine.DeviceId);
        Assert.Equal(41L, engine.LastSeq);
        Assert.Equal(new SourcePosition(3, 1_234_567), engine.LastPosition);
        Assert.Equal(T0.AddSeconds(9), engine.LastArrival);
        Assert.Equal(5, engine.DuplicatesDropped);
        Assert.Equal(6, engine.RedeliveriesDropped);
        var open = Assert.IsType<OpenSession>(engine.Open);
        Assert.Equal("session-a", open.SessionId);
        Assert.Equal(T0, open.Started);
        Assert.Equal(T0.AddSeconds(7), open.LastEventTime);
        Assert.Equal(T0.AddSeconds(8), open.LastArrival);
        Assert.Equal(12, open.EventCount);
        Assert.True(open.StartedWithoutWakeUp);
        Assert.Equal(2, open.DuplicatesDropped);
        Assert.Equal(3, open.OutOfOrder);
        Assert.Equal(["pressure", "temperature"], open.Metrics.Keys.Order(StringComparer.Ordinal));
        var temperature = open.Metrics["temperature"];
        Assert.Equal((4L, -1.5, 22.25, 40.5, 21.0), (temperature.Count, temperature.Min, temperature.Max, temperature.Sum, temperature.Last));
        var pressure = open.Metrics["pressure"];
        Assert.Equal((1L, 1013.0, 1013.0, 1013.0, 1013.0), (pressure.Count, pressure.Min, pressure.Max, pressure.Sum, pressure.Last));
        Assert.Equal(PendingSummary(), Read(FullStateHex).PendingSummary);
    }

    [Fact]
    public void State_without_a_session_written_by_earlier_versions_loads()
    {
        var stored = Read(EmptyOpenStateHex);
        var engine = DeviceStateMapping.ToEngine(stored, "device-8");

        Assert.Null(engine.Open);
        Assert.Null(engine.LastSeq);
        Assert.Equal(new SourcePosition(0, 0), engine.LastPosition);
        Assert.Equal(T0, engine.LastArrival);
        Assert.Equal((0L, 1L), (engine.DuplicatesDropped, engine.RedeliveriesDropped));
        Assert.Null(stored.PendingSummary);
    }

    [Fact]
    public void The_current_version_writes_the_same_bytes()
    {
        Assert.Equal(FullStateHex, Write(FullStored()));
        Assert.Equal(EmptyOpenStateHex, Write(EmptyOpenStored()));
    }

    private static PersistedDeviceState FullStored() => new()
    {
        Open = new PersistedSession
        {
            SessionId = "session-a",
            Started = T0,
            LastEventTime = T0.AddSeconds(7),
            LastArrival = T0.AddSeconds(8),
            EventCount = 12,
            StartedWithoutWakeUp = true,
            DuplicatesDropped = 2,
            OutOfOrder = 3,
            Metrics = new(StringComparer.Ordinal)
            {
                ["temperature"] = new PersistedMetric(4, -1.5, 22.25, 40.5, 21.0),
                ["pressure"] = new PersistedMetric(1, 1013.0, 1013.0, 1013.0, 1013.0),
            },
        },
        LastSeq = 41,
        LastPosition = new SourcePosition(3, 1_234_567),
        LastArrival = T0.AddSeconds(9),
        DuplicatesDropped = 5,
        RedeliveriesDropped = 6,
        PendingSummary = PendingSummary(),
    };

    private static PersistedDeviceState EmptyOpenStored() => new()
    {
        LastPosition = new SourcePosition(0, 0),
        LastArrival = T0,
        RedeliveriesDropped = 1,
    };

    private static SessionSummary PendingSummary() => new(
        "device-7", "session-0", T0.AddMinutes(-5), T0.AddMinutes(-4), 9, CloseReason.TimedOut, false, 1, 0,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("temperature", new MetricSummary(9, 1, 9, 5, 9))]));

    private static readonly OrleansGrainStorageSerializer StorageSerializer = new OrleansGrainStorageSerializer(
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    private static string Write(PersistedDeviceState state) => Convert.ToHexString(StorageSerializer.Serialize(state).ToArray());

    private static PersistedDeviceState Read(string hex) => 
        StorageSerializer.Deserialize<PersistedDeviceState>(new BinaryData(Convert.FromHexString(hex))) ?? throw new InvalidOperationException("Nothing was read.");
}
