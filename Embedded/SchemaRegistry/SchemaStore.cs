namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// The registry's data and rules, as a Confluent registry keeps them: schemas by id (one id per schema, whichever
/// subjects hold it), per subject its numbered versions (soft-deleted ones kept and hidden until a permanent delete)
/// and its own compatibility level, and the global level (BACKWARD). A registration is checked against the subject's
/// live versions at its level. Refusals are <see cref="RegistryException"/>s with Confluent's error codes.
/// Thread-safe; in memory only.
/// </summary>
internal sealed class SchemaStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, StoredSchema> _schemasById = [];
    private readonly Dictionary<string, int> _idByCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subject> _subjects = new(StringComparer.Ordinal);
    private CompatibilityLevel _global = CompatibilityLevels.Default;

    /// <summary>Registers <paramref name="schema"/> under <paramref name="subject"/> and returns its id (the existing one when the subject has it).</summary>
    public int Register(string subject, string schema, string schemaType)
    {
        var (parsed, canonical) = SchemaCanonicalForm.Of(schema, schemaType);
        lock (_lock)
        {
            var entry = SubjectEntry(subject);
            if (_idByCanonical.TryGetValue(canonical, out var known) && entry.Live.Any(v => v.Id == known))
                return known;

            var level = entry.Compatibility ?? _global;
            var findings = CompatibilityPolicy.Check(level, parsed, [.. entry.Live.Select(v => (v.Number, _schemasById[v.Id]))]);
            if (findings.Count > 0)
                throw RegistryException.Incompatible(subject, level, findings);

            if (!_idByCanonical.TryGetValue(canonical, out var id))
                _idByCanonical[canonical] = id = _idByCanonical.Count + 1;
            _schemasById.TryAdd(id, new StoredSchema(id, schema, SchemaCanonicalForm.Avro, parsed));
            entry.Versions.Add(new SubjectVersion(entry.Versions.Count == 0 ? 1 : entry.Versions[^1].Number + 1, id));
            return id;
        }
    }

    /// <summary>The newest version of <paramref name="subject"/> holding <paramref name="schema"/> (40401, 40403 when none).</summary>
    public (StoredSchema Schema, int Version) Lookup(string subject, string schema, string schemaType, bool includeDeleted)
    {
        var (_, canonical) = SchemaCanonicalForm.Of(schema, schemaType);
        lock (_lock)
        {
            var versions = VisibleVersions(subject, includeDeleted);
            var found = _idByCanonical.TryGetValue(canonical, out var id) ? versions.LastOrDefault(v => v.Id == id) : null;
            return found is null ? throw RegistryException.SchemaNotFound() : (_schemasById[found.Id], found.Number);
        }
    }

    /// <summary>A schema by id while some version of some subject (soft-deleted ones too) holds it (40403 otherwise).</summary>
    public StoredSchema ById(int id)
    {
        lock (_lock)
            return Held(id);
    }

    /// <summary>The subject versions holding schema <paramref name="id"/>.</summary>
    public IReadOnlyList<(string Subject, int Version)> VersionsOf(int id, bool includeDeleted)
    {
        lock (_lock)
        {
            _ = Held(id);
            return [.. Holders(id, includeDeleted)];
        }
    }

    public IReadOnlyList<string> Subjects(bool includeDeleted)
    {
        lock (_lock)
            return [.. _subjects.Where(s => s.Value.Visible(includeDeleted).Any()).Select(s => s.Key).Order(StringComparer.Ordinal)];
    }

    public IReadOnlyList<int> Versions(string subject, bool includeDeleted)
    {
        lock (_lock)
            return [.. VisibleVersions(subject, includeDeleted).Select(v => v.Number)];
    }

    /// <summary>A version of a subject (<see cref="VersionSpec.Latest"/>: its newest visible one).</summary>
    public (StoredSchema Schema, int Version) Version(string subject, VersionSpec version, bool includeDeleted)
    {
        lock (_lock)
        {
            var found = Find(VisibleVersions(subject, includeDeleted), version);
            return (_schemasById[found.Id], found.Number);
        }
    }

    /// <summary>Whether <paramref name="schema"/> could be registered under <paramref name="subject"/> now, with the findings against it.</summary>
    /// <param name="version">Check against this version only; null: against the versions registration would check.</param>
    public IReadOnlyList<CompatibilityFinding> CheckCompatibility(string subject, VersionSpec? version, string schema, string schemaType)
    {
        lock (_lock)
        {
            var entry = _subjects.GetValueOrDefault(subject);
            var live = entry?.Live.ToList() ?? [];
            if (version is not null && live.Count == 0)
                throw RegistryException.SubjectNotFound(subject);
            var against = version is { } given && !given.IsLatest ? Find(live, given) : null;
            var (parsed, _) = SchemaCanonicalForm.Of(schema, schemaType);
            var level = entry?.Compatibility ?? _global;
            return against is null
                ? CompatibilityPolicy.Check(level, parsed, [.. live.Select(v => (v.Number, _schemasById[v.Id]))])
                : [.. CompatibilityPolicy.Against(level, parsed, against.Number, _schemasById[against.Id])];
        }
    }

    /// <summary>
    /// Deletes every version of a subject: soft (hidden, still readable by id) or, once soft-deleted, permanently (with
    /// the subject's compatibility level). Returns the version numbers deleted.
    /// </summary>
    public IReadOnlyList<int> DeleteSubject(string subject, bool permanent)
    {
        lock (_lock)
        {
            if (!_subjects.TryGetValue(subject, out var entry) || entry.Versions.Count == 0)
                throw RegistryException.SubjectNotFound(subject);
            var live = entry.Live.ToList();
            if (!permanent)
            {
                if (live.Count == 0)
                    throw RegistryException.SubjectSoftDeleted(subject);
                live.ForEach(v => v.Deleted = true);
                return [.. live.Select(v => v.Number)];
            }

            if (live.Count > 0)
                throw RegistryException.SubjectNotSoftDeleted(subject);
            _subjects.Remove(subject);
            return [.. entry.Versions.Select(v => v.Number)];
        }
    }

    /// <summary>Deletes one version: soft, or permanently once soft-deleted. Returns its number.</summary>
    public int DeleteVersion(string subject, VersionSpec version, bool permanent)
    {
        lock (_lock)
        {
            if (!_subjects.TryGetValue(subject, out var entry) || (permanent ? entry.Versions.Count : entry.Live.Count()) == 0)
                throw RegistryException.SubjectNotFound(subject);
            // "latest" is the newest live version for a soft delete; a number may name a soft-deleted one (40406).
            var found = Find(version.IsLatest && !permanent ? [.. entry.Live] : entry.Versions, version);
            if (!permanent)
            {
                if (found.Deleted)
                    throw RegistryException.VersionSoftDeleted(subject, found.Number);
                found.Deleted = true;
                return found.Number;
            }

            if (!found.Deleted)
                throw RegistryException.VersionNotSoftDeleted(subject, found.Number);
            entry.Versions.Remove(found);
            if (entry.Versions.Count == 0)
                _subjects.Remove(subject);
            return found.Number;
        }
    }

    public CompatibilityLevel GlobalCompatibility
    {
        get { lock (_lock) return _global; }
        set { lock (_lock) _global = value; }
    }

    /// <summary>The subject's own level, or null when it has none (the global level applies).</summary>
    public CompatibilityLevel? SubjectCompatibility(string subject)
    {
        lock (_lock)
            return _subjects.GetValueOrDefault(subject)?.Compatibility;
    }

    /// <summary>Sets (or with null removes) a subject's own level; a subject may get one before its first version.</summary>
    public void SetSubjectCompatibility(string subject, CompatibilityLevel? level)
    {
        lock (_lock)
        {
            var entry = SubjectEntry(subject);
            entry.Compatibility = level;
            if (level is null && entry.Versions.Count == 0)
                _subjects.Remove(subject);
        }
    }

    private Subject SubjectEntry(string subject)
    {
        if (!_subjects.TryGetValue(subject, out var entry))
            _subjects[subject] = entry = new Subject();
        return entry;
    }

    /// <summary>The versions a request sees; a subject with none is not found (40401).</summary>
    private List<SubjectVersion> VisibleVersions(string subject, bool includeDeleted)
    {
        var versions = _subjects.TryGetValue(subject, out var entry) ? entry.Visible(includeDeleted).ToList() : [];
        return versions.Count > 0 ? versions : throw RegistryException.SubjectNotFound(subject);
    }

    private StoredSchema Held(int id) =>
        Holders(id, includeDeleted: true).Any() ? _schemasById[id] : throw RegistryException.SchemaNotFound(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private IEnumerable<(string Subject, int Version)> Holders(int id, bool includeDeleted) =>
        _subjects.OrderBy(s => s.Key, StringComparer.Ordinal)
            .SelectMany(s => s.Value.Visible(includeDeleted).Where(v => v.Id == id).Select(v => (s.Key, v.Number)));

    private static SubjectVersion Find(IReadOnlyList<SubjectVersion> versions, VersionSpec version) =>
        (version.IsLatest ? (versions.Count > 0 ? versions[^1] : null) : versions.FirstOrDefault(v => v.Number == version.Number))
        ?? throw RegistryException.VersionNotFound(version.ToString());

    private sealed class Subject
    {
        /// <summary>Every version not permanently deleted, by number; numbers only grow.</summary>
        public List<SubjectVersion> Versions { get; } = [];

        public CompatibilityLevel? Compatibility { get; set; }

        public IEnumerable<SubjectVersion> Live => Versions.Where(v => !v.Deleted);

        public IEnumerable<SubjectVersion> Visible(bool includeDeleted) => includeDeleted ? Versions : Live;
    }

    private sealed class SubjectVersion(int number, int id)
    {
        public int Number { get; } = number;
        public int Id { get; } = id;
        public bool Deleted { get; set; }
    }
}

/// <summary>A registered schema as the registry returns it: the text verbatim, as it was first registered.</summary>
internal sealed record StoredSchema(int Id, string Schema, string SchemaType, Avro.Schema Parsed);

/// <summary>A version in a request path: a number from 1, or <c>latest</c> (also <c>-1</c>); anything else is 42202.</summary>
internal readonly record struct VersionSpec(int Number)
{
    public static readonly VersionSpec Latest = new(-1);

    public bool IsLatest => Number == -1;

    public static VersionSpec Parse(string text) =>
        string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase) ? Latest
        : int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) && (n >= 1 || n == -1) ? new VersionSpec(n)
        : throw RegistryException.InvalidVersion(text);

    public override string ToString() => IsLatest ? "latest" : Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
