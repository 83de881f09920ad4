using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using Segmenter.Contracts;
using Segmenter.Grains;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Grains;

/// <summary>
/// The device state exists as the engine's (<see cref="DeviceState"/>, <see cref="OpenSession"/>,
/// <see cref="MetricAccumulator"/>) and as the stored one (<see cref="PersistedDeviceState"/>, <see cref="PersistedSession"/>,
/// <see cref="PersistedMetric"/>), translated by <see cref="DeviceStateMapping"/> alone and copied by the records'
/// compiler-written copies. A member added on one side only, or forgotten in one direction of the mapping, would be lost
/// silently at the next restart: these tests fail instead. Values are made by reflection, every member set to a value
/// that differs from its default, so a new member is covered without touching the tests (a member of a type the
/// tests cannot make a value of fails, naming it).
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class StateShapeTests
{
    private static readonly DeviceDeadlines Deadlines = new(DateTimeOffset.UnixEpoch.AddHours(1), DateTimeOffset.UnixEpoch.AddHours(2), null);

    /// <summary>The engine types and the stored types they map to.</summary>
    private static readonly (Type Engine, Type Stored)[] Pairs =
    [
        (typeof(DeviceState), typeof(PersistedDeviceState)),
        (typeof(OpenSession), typeof(PersistedSession)),
        (typeof(MetricAccumulator), typeof(PersistedMetric)),
    ];

    /// <summary>Members on one side only, on purpose, and why.</summary>
    private static readonly Dictionary<Type, string[]> OneSided = new()
    {
        [typeof(DeviceState)] =
        [
            nameof(DeviceState.DeviceId), // the grain's key, not stored in the value
            nameof(DeviceState.IsEmpty),  // derived
        ],
        [typeof(PersistedDeviceState)] =
        [
            nameof(PersistedDeviceState.PendingSummary), // the grain's, not the engine's (an idempotent timeout)
            nameof(PersistedDeviceState.IndexEntry),     // derived, written beside the state
        ],
    };

    /// <summary>Fields of the engine types that are no property's backing field and are not state.</summary>
    private static readonly Dictionary<Type, string[]> DerivedFields = new()
    {
        [typeof(OpenSession)] = ["_key"], // the output key, built from the device id and the session id
    };

    [Fact]
    public void Engine_and_stored_state_have_the_same_members_of_matching_types()
    {
        foreach (var (engine, stored) in Pairs)
        {
            var engineMembers = Members(engine).Where(m => !IsOneSided(engine, m.Name)).ToDictionary(m => m.Name, m => m.Type);
            var storedMembers = Members(stored).Where(m => !IsOneSided(stored, m.Name)).ToDictionary(m => m.Name, m => m.Type);

            Assert.True(engineMembers.Keys.Order(StringComparer.Ordinal).SequenceEqual(storedMembers.Keys.Order(StringComparer.Ordinal)),
                $"{engine.Name} has [{string.Join(", ", engineMembers.Keys.Except(storedMembers.Keys))}] that {stored.Name} lacks; " +
                $"{stored.Name} has [{string.Join(", ", storedMembers.Keys.Except(engineMembers.Keys))}] that {engine.Name} lacks");
            foreach (var (name, type) in engineMembers)
                Assert.True(Corresponds(type, storedMembers[name]), $"{engine.Name}.{name} is {type.Name} but {stored.Name}.{name} is {storedMembers[name].Name}");
        }
    }

    [Fact]
    public void The_one_sided_members_exist()
    {
        foreach (var (type, names) in OneSided)
            Assert.All(names, name => Assert.Contains(name, Members(type).Select(m => m.Name)));
        foreach (var (type, names) in DerivedFields)
            Assert.All(names, name => Assert.NotNull(type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)));
    }

    [Fact]
    public void The_engine_state_holds_nothing_but_its_public_members()
    {
        foreach (var (engine, _) in Pairs)
        {
            var hidden = engine.GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
                .Where(f => f.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
                .Select(f => f.Name)
                .Except(DerivedFields.GetValueOrDefault(engine) ?? [])
                .ToList();
            Assert.True(hidden.Count == 0, $"{engine.Name} keeps [{string.Join(", ", hidden)}], which the mapping does not see: make it a property, or list it as derived");
        }
    }

    [Fact]
    public void Every_member_survives_a_round_trip_from_the_engine_through_storage()
    {
        var state = Make<DeviceState>(1);
        AssertNothingDefault(state);

        var stored = DeviceStateMapping.ToStored(state, Deadlines);

        AssertSameValues(state, DeviceStateMapping.ToEngine(stored, state.DeviceId));
        Assert.Equal(new DeadlineIndexEntry(state.LastPosition!.Value.Partition, state.LastPosition.Value.Offset, Deadlines), stored.IndexEntry);
        Assert.Null(stored.PendingSummary);
    }

    [Fact]
    public void Every_stored_member_survives_a_round_trip_through_the_engine()
    {
        var stored = Make<PersistedDeviceState>(1);
        AssertNothingDefault(stored, nameof(PersistedDeviceState.IndexEntry));

        var again = DeviceStateMapping.ToStored(DeviceStateMapping.ToEngine(stored, "d"), Deadlines, stored.PendingSummary);

        AssertSameValues(stored, again, nameof(PersistedDeviceState.IndexEntry));
    }

    [Fact]
    public void A_copy_has_every_member_and_shares_nothing_the_engine_mutates()
    {
        var state = Make<DeviceState>(1);

        var copy = state.Copy();
        AssertSameValues(state, copy);

        Overwrite(copy, 50);
        AssertSameValues(Make<DeviceState>(1), state);
    }

    [Fact]
    public void Snapshots_show_every_member_of_the_engine_state_but_the_arrival_clock()
    {
        var state = Make<DeviceState>(1);
        var open = state.Open!;

        Assert.Equal(Members(typeof(OpenSession)).Select(m => m.Name).Append(nameof(SessionSnapshot.DeviceId)).Order(StringComparer.Ordinal),
            Members(typeof(SessionSnapshot)).Select(m => m.Name).Order(StringComparer.Ordinal));
        AssertSessionSnapshot(DeviceStateMapping.ToSnapshot(open, state.DeviceId));

        // DeviceState.Open is the snapshot's OpenSession; LastArrival is processing time, which differs between runs.
        var device = DeviceStateMapping.ToSnapshot(state, summaryPending: true)!;
        Assert.Equal(Members(typeof(DeviceState)).Select(m => m.Name)
                .Except([nameof(DeviceState.IsEmpty), nameof(DeviceState.LastArrival), nameof(DeviceState.Open)])
                .Append(nameof(DeviceSnapshot.OpenSession)).Append(nameof(DeviceSnapshot.SummaryPending)).Order(StringComparer.Ordinal),
            Members(typeof(DeviceSnapshot)).Select(m => m.Name).Order(StringComparer.Ordinal));
        AssertSessionSnapshot(device.OpenSession!);
        Assert.True(device.SummaryPending);
        foreach (var member in Members(typeof(DeviceSnapshot)).Where(m => m.Name is not (nameof(DeviceSnapshot.OpenSession) or nameof(DeviceSnapshot.SummaryPending))))
            Assert.Equal(typeof(DeviceState).GetProperty(member.Name)!.GetValue(state), member.Get(device));
        Assert.Null(DeviceStateMapping.ToSnapshot(new DeviceState { DeviceId = "d" }, summaryPending: false));

        void AssertSessionSnapshot(SessionSnapshot session)
        {
            Assert.Equal(state.DeviceId, session.DeviceId);
            foreach (var member in Members(typeof(OpenSession)).Where(m => m.Name != nameof(OpenSession.Metrics)))
                Assert.Equal(member.Get(open), typeof(SessionSnapshot).GetProperty(member.Name)!.GetValue(session));
            Assert.Equal(open.Metrics.Keys.Order(StringComparer.Ordinal), session.Metrics.Keys);
            Assert.All(open.Metrics, m => Assert.Equal(m.Value.ToSummary(), session.Metrics[m.Key]));
        }
    }

    private static bool IsOneSided(Type type, string member) => OneSided.TryGetValue(type, out var names) && names.Contains(member);

    private static bool Corresponds(Type engine, Type stored)
    {
        engine = Nullable.GetUnderlyingType(engine) ?? engine;
        stored = Nullable.GetUnderlyingType(stored) ?? stored;
        if (engine == stored || Pairs.Contains((engine, stored)))
            return true;
        return engine.IsGenericType && stored.IsGenericType && engine.GetGenericTypeDefinition() == stored.GetGenericTypeDefinition()
            && engine.GetGenericArguments().Zip(stored.GetGenericArguments()).All(p => Corresponds(p.First, p.Second));
    }

    private sealed record Member(string Name, Type Type, Func<object, object?> Get, Action<object, object?>? Set);

    /// <summary>Public instance properties (but the records' <c>EqualityContract</c> and indexers) and public instance fields.</summary>
    private static IEnumerable<Member> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => new Member(p.Name, p.PropertyType, p.GetValue, p.SetMethod is { IsPublic: true } ? p.SetValue : null))
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance)
                .Select(f => new Member(f.Name, f.FieldType, f.GetValue, f.IsInitOnly ? null : f.SetValue)));

    /// <summary>An instance of <typeparamref name="T"/> with every settable member set to a value made from <paramref name="seed"/>.</summary>
    private static T Make<T>(int seed) => (T)Value(typeof(T), seed);

    /// <summary>A value of <paramref name="type"/> that is not its default and differs for each seed.</summary>
    private static object Value(Type type, int seed)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(long))
            return (long)seed;
        if (underlying == typeof(int))
            return seed;
        if (underlying == typeof(double))
            return seed + 0.5;
        if (underlying == typeof(bool))
            return true;
        if (underlying == typeof(string))
            return $"s{seed}";
        if (underlying == typeof(DateTimeOffset))
            return DateTimeOffset.UnixEpoch.AddSeconds(seed * 10).ToOffset(TimeSpan.FromHours(seed % 5));
        if (underlying == typeof(SourcePosition))
            return new SourcePosition(seed, seed * 100);
        if (underlying == typeof(SessionSummary))
            return new SessionSummary($"d{seed}", $"s{seed}", DateTimeOffset.UnixEpoch.AddSeconds(seed), DateTimeOffset.UnixEpoch.AddSeconds(seed + 1),
                seed, CloseReason.TimedOut, true, seed, seed,
                ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create($"m{seed}", new MetricSummary(seed, 1, 2, 1.5, 2))]));
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var arguments = underlying.GetGenericArguments();
            var dictionary = (IDictionary)Activator.CreateInstance(underlying, arguments[0] == typeof(string) ? StringComparer.Ordinal : null)!;
            dictionary[Value(arguments[0], seed)] = Value(arguments[1], seed + 1);
            dictionary[Value(arguments[0], seed + 1)] = Value(arguments[1], seed + 2);
            return dictionary;
        }

        if (Pairs.Any(p => p.Engine == underlying || p.Stored == underlying))
            return Instance(underlying, seed);
        throw new NotSupportedException($"StateShapeTests cannot make a {type.Name}: teach Value about it, so the member is covered.");
    }

    /// <summary>A state type made through its constructor (a positional record) or its setters, every member from <paramref name="seed"/> on.</summary>
    private static object Instance(Type type, int seed)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        var instance = constructor.Invoke([.. parameters.Select((p, i) => Value(p.ParameterType, seed + i + 1))]);
        if (parameters.Length == 0)
            Overwrite(instance, seed);
        return instance;
    }

    /// <summary>
    /// Sets every settable member to a value from <paramref name="seed"/> on, but changes members that hold mutable state
    /// in place (an open session, a dictionary of accumulators) rather than replacing them: a copy that shared them
    /// would see the change.
    /// </summary>
    private static void Overwrite(object target, int seed)
    {
        var n = seed;
        foreach (var member in Members(target.GetType()))
        {
            n++;
            var current = member.Get(target);
            if (current is not null && Pairs.Any(p => p.Engine == current.GetType()))
                Overwrite(current, n * 10);
            else if (current is IDictionary { Count: > 0 } dictionary && Pairs.Any(p => p.Engine == dictionary.GetType().GetGenericArguments()[1]))
            {
                foreach (var value in dictionary.Values)
                    Overwrite(value, n * 10);
                dictionary[Value(dictionary.GetType().GetGenericArguments()[0], n * 10)] = Value(dictionary.GetType().GetGenericArguments()[1], n * 10);
            }
            else if (member.Set is { } set && !IsDerived(target.GetType(), member.Name))
                set(target, Value(member.Type, n));
        }
    }

    private static bool IsDerived(Type type, string member) => type == typeof(PersistedDeviceState) && member == nameof(PersistedDeviceState.IndexEntry);

    private static void AssertNothingDefault(object value, params string[] except)
    {
        foreach (var member in Members(value.GetType()).Where(m => m.Set is not null && !except.Contains(m.Name)))
        {
            var got = member.Get(value);
            var type = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
            Assert.False(got is null || (type.IsValueType && got.Equals(Activator.CreateInstance(type))) || got is ICollection { Count: 0 },
                $"{value.GetType().Name}.{member.Name} has its default value: the test would not see it lost");
            if (got is not null && Pairs.Any(p => p.Engine == got.GetType() || p.Stored == got.GetType()))
                AssertNothingDefault(got);
            if (got is IDictionary dictionary)
                foreach (var entry in dictionary.Values)
                    if (entry is not null && Pairs.Any(p => p.Engine == entry.GetType() || p.Stored == entry.GetType()))
                        AssertNothingDefault(entry);
        }
    }

    /// <summary>Member for member, down through sessions, dictionaries and accumulators.</summary>
    private static void AssertSameValues(object expected, object actual, params string[] except)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        foreach (var member in Members(expected.GetType()).Where(m => !except.Contains(m.Name)))
        {
            var (want, got) = (member.Get(expected), member.Get(actual));
            var where = $"{expected.GetType().Name}.{member.Name}";
            if (want is null || got is null)
                Assert.True(want is null && got is null, $"{where}: {want} became {got}");
            else if (Pairs.Any(p => p.Engine == want.GetType() || p.Stored == want.GetType()))
                AssertSameValues(want, got);
            else if (want is IDictionary wanted)
            {
                var copied = (IDictionary)got;
                Assert.Equal(wanted.Keys.Cast<object>().Order(), copied.Keys.Cast<object>().Order());
                foreach (DictionaryEntry entry in wanted)
                    AssertSameValues(entry.Value!, copied[entry.Key]!);
            }
            else
                Assert.True(Equals(want, got), $"{where}: {want} became {got}");
        }
    }
}
