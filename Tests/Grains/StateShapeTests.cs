using System.Reflection;
using Segmenter.Contracts;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Grains;

/// <summary>
/// The device state exists twice — the engine's (<see cref="DeviceState"/>, <see cref="OpenSession"/>) and the stored
/// one (<see cref="PersistedDeviceState"/>, <see cref="PersistedSession"/>) — and is copied by hand in Clone, From and
/// ToEngine. A field added on one side only, or forgotten in a copy, would be lost silently at the next crash: these
/// tests fail instead. Every property is set to a value that differs from its default, by reflection, so a new property
/// is covered without touching the tests.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class StateShapeTests
{
    /// <summary>Properties that exist on one side only, on purpose.</summary>
    private static readonly HashSet<string> OneSided = new(StringComparer.Ordinal)
    {
        nameof(DeviceState.DeviceId),            // the grain's key, not stored in the value
        nameof(DeviceState.IsEmpty),             // derived
        nameof(PersistedDeviceState.PendingSummary), // the grain's, not the engine's (an idempotent timeout)
        nameof(PersistedDeviceState.IndexEntry), // derived, written beside the state
    };

    [Fact]
    public void Engine_and_stored_state_have_the_same_fields()
    {
        Assert.Equal(Names<DeviceState>(), Names<PersistedDeviceState>());
        Assert.Equal(Names<OpenSession>(), Names<PersistedSession>());
        Assert.Equal(Names<MetricAccumulator>(), typeof(PersistedMetric).GetProperties().Select(p => p.Name).Where(n => n != "EqualityContract").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_state_survives_clone_and_a_round_trip_through_storage_field_for_field()
    {
        var state = FullState();

        AssertSameValues(state, state.Clone());
        AssertSameValues(state, PersistedDeviceState.From(state, default).ToEngine(state.DeviceId));
    }

    private static DeviceState FullState()
    {
        var open = new OpenSession
        {
            SessionId = "s1",
            Started = DateTimeOffset.UnixEpoch.AddSeconds(1),
            StartedWithoutWakeUp = true,
            Metrics = { ["p"] = new MetricAccumulator() },
        };
        Fill(open);
        Fill(open.Metrics["p"]);
        var state = new DeviceState { DeviceId = "d", Open = open };
        Fill(state);
        return state;
    }

    /// <summary>Sets every settable property that still has its default to a distinct non-default value.</summary>
    private static void Fill(object target)
    {
        var n = 1;
        foreach (var property in target.GetType().GetProperties().Where(p => p.SetMethod is { IsPublic: true }))
        {
            n++;
            var current = property.GetValue(target);
            object? value = property.PropertyType switch
            {
                var t when t == typeof(long) || t == typeof(long?) => (long)n,
                var t when t == typeof(double) => n + 0.5,
                var t when t == typeof(bool) => true,
                var t when t == typeof(DateTimeOffset) => DateTimeOffset.UnixEpoch.AddSeconds(n * 10),
                var t when t == typeof(SourcePosition?) => new SourcePosition(n, n * 100),
                _ => current,
            };
            var underlying = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isDefault = current is null || (underlying.IsValueType && current.Equals(Activator.CreateInstance(underlying)));
            if (isDefault)
                property.SetValue(target, value);
        }
    }

    private static void AssertSameValues(object expected, object actual)
    {
        foreach (var property in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            var (want, got) = (property.GetValue(expected), property.GetValue(actual));
            switch (want)
            {
                case OpenSession session:
                    AssertSameValues(session, got!);
                    break;
                case Dictionary<string, MetricAccumulator> metrics:
                    var copied = (Dictionary<string, MetricAccumulator>)got!;
                    Assert.Equal(metrics.Keys, copied.Keys);
                    foreach (var (name, metric) in metrics)
                        AssertSameValues(metric, copied[name]);
                    break;
                default:
                    Assert.True(Equals(want, got), $"{expected.GetType().Name}.{property.Name}: {want} became {got}");
                    break;
            }
        }
    }

    private static IEnumerable<string> Names<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Where(n => !OneSided.Contains(n)).Order(StringComparer.Ordinal);
}
