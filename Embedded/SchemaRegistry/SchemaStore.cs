namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// The registry's data: schemas by id and, per subject, its versions. A schema registered under several
/// subjects keeps one id (as the real registry does). Thread-safe; in memory only.
/// </summary>
internal sealed class SchemaStore
{
    private readonly Lock _lock = new();
    private readonly List<StoredSchema> _schemasById = [];
    private readonly Dictionary<string, int> _idByCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _versionsBySubject = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="schema"/> under <paramref name="subject"/>; returns its id and version there.</summary>
    public (int Id, int Version) Register(string subject, string schema, string schemaType)
    {
        var canonical = SchemaCanonicalForm.Of(schema, schemaType);
        lock (_lock)
        {
            if (!_idByCanonical.TryGetValue(canonical, out var id))
            {
                _schemasById.Add(new StoredSchema(_schemasById.Count + 1, schema, schemaType));
                id = _schemasById.Count;
                _idByCanonical[canonical] = id;
            }

            if (!_versionsBySubject.TryGetValue(subject, out var versions))
                _versionsBySubject[subject] = versions = [];
            var index = versions.IndexOf(id);
            if (index < 0)
            {
                versions.Add(id);
                index = versions.Count - 1;
            }

            return (id, index + 1);
        }
    }

    public StoredSchema? ById(int id)
    {
        lock (_lock)
            return id >= 1 && id <= _schemasById.Count ? _schemasById[id - 1] : null;
    }

    public bool HasSubject(string subject)
    {
        lock (_lock)
            return _versionsBySubject.ContainsKey(subject);
    }

    /// <summary>The version of <paramref name="schema"/> under <paramref name="subject"/>, or null.</summary>
    public (StoredSchema Schema, int Version)? Lookup(string subject, string schema, string schemaType)
    {
        var canonical = SchemaCanonicalForm.Of(schema, schemaType);
        lock (_lock)
        {
            if (!_idByCanonical.TryGetValue(canonical, out var id) || !_versionsBySubject.TryGetValue(subject, out var versions))
                return null;
            var index = versions.IndexOf(id);
            return index < 0 ? null : (_schemasById[id - 1], index + 1);
        }
    }

    /// <summary>Version <paramref name="version"/> of the subject (-1 = latest), or null.</summary>
    public (StoredSchema Schema, int Version)? Version(string subject, int version)
    {
        lock (_lock)
        {
            if (!_versionsBySubject.TryGetValue(subject, out var versions) || versions.Count == 0)
                return null;
            var number = version == -1 ? versions.Count : version;
            return number >= 1 && number <= versions.Count ? (_schemasById[versions[number - 1] - 1], number) : null;
        }
    }

    public IReadOnlyList<int> Versions(string subject)
    {
        lock (_lock)
            return _versionsBySubject.TryGetValue(subject, out var versions) ? Enumerable.Range(1, versions.Count).ToArray() : [];
    }

    public IReadOnlyList<string> Subjects()
    {
        lock (_lock)
            return [.. _versionsBySubject.Keys.Order(StringComparer.Ordinal)];
    }
}

/// <summary>A registered schema as the registry returns it: the text verbatim, as it was first registered.</summary>
internal sealed record StoredSchema(int Id, string Schema, string SchemaType);
