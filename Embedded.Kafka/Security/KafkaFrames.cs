using System.Buffers.Binary;
using System.Text;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// The few Kafka protocol messages the security gateway reads and writes itself: request headers, ApiVersions (to
/// announce SASL, which the mock broker lacks), SaslHandshake and SaslAuthenticate, all in their non-flexible versions.
/// A frame is a big-endian int32 size followed by that many bytes.
/// </summary>
internal static class KafkaFrames
{
    public const short SaslHandshakeKey = 17;
    public const short ApiVersionsKey = 18;
    public const short SaslAuthenticateKey = 36;

    /// <summary>Highest ApiVersions version the gateway rewrites; higher ones are flexible and answered "unsupported".</summary>
    public const short MaxApiVersionsVersion = 2;

    public const short NoError = 0;
    public const short UnsupportedSaslMechanism = 33;
    public const short UnsupportedVersion = 35;
    public const short SaslAuthenticationFailed = 58;

    private const int MaxFrameSize = 100 * 1024 * 1024;

    /// <summary>The next frame's bytes (without the size), or null when the peer closed the connection between frames.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var size = new byte[4];
        var first = await stream.ReadAsync(size.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
        if (first == 0)
            return null;
        if (first < 4)
            await stream.ReadExactlyAsync(size.AsMemory(first, 4 - first), cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        if (length is < 8 or > MaxFrameSize)
            throw new InvalidDataException($"A Kafka frame of {length} bytes.");
        var frame = new byte[length];
        await stream.ReadExactlyAsync(frame, cancellationToken).ConfigureAwait(false);
        return frame;
    }

    public static async Task WriteAsync(Stream stream, byte[] frame, CancellationToken cancellationToken)
    {
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, frame.Length);
        await stream.WriteAsync(size, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Request header v1 (key, version, correlation id, client id); <c>BodyOffset</c> is where the body starts.</summary>
    public static RequestHeader Header(byte[] frame)
    {
        var key = BinaryPrimitives.ReadInt16BigEndian(frame);
        var version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        var clientIdLength = frame.Length >= 10 ? BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(8)) : (short)-1;
        return new RequestHeader(key, version, correlationId, 10 + Math.Max((short)0, clientIdLength));
    }

    /// <summary>SaslHandshake request body: the mechanism's name.</summary>
    public static string Mechanism(byte[] frame, RequestHeader header)
    {
        var length = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(header.BodyOffset));
        return Encoding.UTF8.GetString(frame, header.BodyOffset + 2, Math.Max((short)0, length));
    }

    /// <summary>SaslAuthenticate request body (v0, v1): the client's SASL message.</summary>
    public static ReadOnlySpan<byte> AuthBytes(byte[] frame, RequestHeader header)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(header.BodyOffset));
        return frame.AsSpan(header.BodyOffset + 4, Math.Max(0, length));
    }

    /// <summary>
    /// The broker's ApiVersions response (v0 to v2) with SaslHandshake v1 and SaslAuthenticate v0-v1 added: librdkafka
    /// starts SASL only with a broker that lists them. Error responses pass unchanged.
    /// </summary>
    public static byte[] WithSasl(byte[] response)
    {
        // correlation id (4), error code (2), #api keys (4), 6 bytes per key, then (v1+) throttle time.
        if (BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(4)) != NoError)
            return response;
        var count = BinaryPrimitives.ReadInt32BigEndian(response.AsSpan(6));
        var keys = Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(10 + (6 * i)))).ToHashSet();
        var added = new List<(short Key, short Min, short Max)>();
        if (!keys.Contains(SaslHandshakeKey))
            added.Add((SaslHandshakeKey, 1, 1));
        if (!keys.Contains(SaslAuthenticateKey))
            added.Add((SaslAuthenticateKey, 0, 1));

        var end = 10 + (6 * count);
        var rewritten = new byte[response.Length + (6 * added.Count)];
        response.AsSpan(0, end).CopyTo(rewritten);
        BinaryPrimitives.WriteInt32BigEndian(rewritten.AsSpan(6), count + added.Count);
        var at = end;
        foreach (var (key, min, max) in added)
        {
            BinaryPrimitives.WriteInt16BigEndian(rewritten.AsSpan(at), key);
            BinaryPrimitives.WriteInt16BigEndian(rewritten.AsSpan(at + 2), min);
            BinaryPrimitives.WriteInt16BigEndian(rewritten.AsSpan(at + 4), max);
            at += 6;
        }

        response.AsSpan(end).CopyTo(rewritten.AsSpan(at));
        return rewritten;
    }

    /// <summary>
    /// What a broker answers to an ApiVersions request of a version it does not know: v0 format, UNSUPPORTED_VERSION,
    /// and the versions of ApiVersions it does know, so that the client asks again with one of them.
    /// </summary>
    public static byte[] ApiVersionsUnsupported(int correlationId)
    {
        var response = new byte[4 + 2 + 4 + 6];
        BinaryPrimitives.WriteInt32BigEndian(response, correlationId);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(4), UnsupportedVersion);
        BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(6), 1);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(10), ApiVersionsKey);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(12), 0);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(14), MaxApiVersionsVersion);
        return response;
    }

    /// <summary>SaslHandshake response (v0, v1): an error code and the mechanisms the broker offers.</summary>
    public static byte[] HandshakeResponse(int correlationId, short errorCode, IEnumerable<string> mechanisms)
    {
        var names = mechanisms.Select(Encoding.UTF8.GetBytes).ToList();
        var response = new byte[4 + 2 + 4 + names.Sum(n => 2 + n.Length)];
        BinaryPrimitives.WriteInt32BigEndian(response, correlationId);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(4), errorCode);
        BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(6), names.Count);
        var at = 10;
        foreach (var name in names)
        {
            BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(at), (short)name.Length);
            name.CopyTo(response, at + 2);
            at += 2 + name.Length;
        }

        return response;
    }

    /// <summary>SaslAuthenticate response (v0; v1 adds the session lifetime, 0: no re-authentication).</summary>
    public static byte[] AuthenticateResponse(int correlationId, short version, short errorCode, string? errorMessage, byte[] authBytes)
    {
        var message = errorMessage is null ? null : Encoding.UTF8.GetBytes(errorMessage);
        var response = new byte[4 + 2 + 2 + (message?.Length ?? 0) + 4 + authBytes.Length + (version >= 1 ? 8 : 0)];
        BinaryPrimitives.WriteInt32BigEndian(response, correlationId);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(4), errorCode);
        BinaryPrimitives.WriteInt16BigEndian(response.AsSpan(6), (short)(message?.Length ?? -1));
        var at = 8;
        if (message is not null)
        {
            message.CopyTo(response, at);
            at += message.Length;
        }

        BinaryPrimitives.WriteInt32BigEndian(response.AsSpan(at), authBytes.Length);
        authBytes.CopyTo(response, at + 4);
        // v1: session_lifetime_ms stays 0 (the array is zeroed).
        return response;
    }
}

/// <summary>The parts of a request header the gateway needs.</summary>
internal readonly record struct RequestHeader(short ApiKey, short ApiVersion, int CorrelationId, int BodyOffset);
