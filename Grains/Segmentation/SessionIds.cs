using System.Text;
using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>
/// Deterministic session ids: a function of the device and of the record that opened the session (its
/// source position and event time), never random. A replay of the same input after a crash therefore
/// yields the same ids, which is what lets downstream consumers dedupe.
/// </summary>
public static class SessionIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case.

    /// <summary>Length of every id: 12 base32 digits carry 60 bits of the hash.</summary>
    public const int Length = 12;

    public static string For(string deviceId, SourcePosition openedBy, DateTimeOffset eventTime)
    {
        var hash = Fnv1a64.Offset;
        hash = Fnv1a64.Add(hash, Encoding.UTF8.GetBytes(deviceId));
        hash = Fnv1a64.Add(hash, (ulong)(uint)openedBy.Partition);
        hash = Fnv1a64.Add(hash, (ulong)openedBy.Offset);
        hash = Fnv1a64.Add(hash, (ulong)eventTime.ToUnixTimeMilliseconds());

        Span<char> id = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            id[i] = Alphabet[(int)(hash & 31)];
            hash >>= 5;
        }

        return new string(id);
    }

    /// <summary>FNV-1a, 64 bit: tiny, stable across processes and versions (unlike string.GetHashCode).</summary>
    private static class Fnv1a64
    {
        public const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        public static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
                hash = (hash ^ b) * Prime;
            return hash;
        }

        public static ulong Add(ulong hash, ulong value)
        {
            for (var i = 0; i < 8; i++, value >>= 8)
                hash = (hash ^ (value & 0xff)) * Prime;
            return hash;
        }
    }
}
