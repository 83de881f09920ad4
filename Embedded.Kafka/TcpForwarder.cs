using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Segmenter.Embedded.Kafka;

/// <summary>
/// Listens on a fixed local endpoint and pipes every accepted connection, byte for byte and in
/// both directions, to a target endpoint. Used to put a stable port (e.g. 9092) in front of a
/// mock broker whose own listener port is ephemeral.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private int _disposed;

    private TcpForwarder(Socket listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The endpoint clients connect to.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>The endpoint traffic is forwarded to.</summary>
    public IPEndPoint Target => _target;

    /// <summary>Number of currently open client connections.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>
    /// Binds <paramref name="listen"/> and starts accepting. Throws <see cref="SocketException"/>
    /// (AddressAlreadyInUse) if the port is taken.
    /// </summary>
    public static TcpForwarder Start(IPEndPoint listen, IPEndPoint target)
    {
        var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Allow an immediate re-bind while old connections on this port sit in TIME_WAIT.
            // (.NET on Linux sets SO_REUSEADDR=1 before every bind() anyway; explicit for clarity.)
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(listen);
            listener.Listen(512);
            return new TcpForwarder(listener, target);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken ct = _cts.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested)
                {
                    break;
                }

                continue; // transient accept failure (e.g. ECONNABORTED): keep serving
            }

            long id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new Connection(client, _target.AddressFamily);
            _connections[id] = connection;
            connection.Completion = HandleAsync(id, connection, ct);
        }
    }

    private async Task HandleAsync(long id, Connection connection, CancellationToken ct)
    {
        try
        {
            connection.Client.NoDelay = true; // Kafka is request/response: don't Nagle small frames
            connection.Upstream.NoDelay = true;
            await connection.Upstream.ConnectAsync(_target, ct).ConfigureAwait(false);

            // Client -> broker: on client EOF, half-close towards the broker and let the broker
            // finish. Broker -> client: on broker EOF (set down, destroyed) or any error, abort
            // the pair. Aborting sends RST, so the FIXED-port side never does an active FIN close
            // and never leaves a TIME_WAIT socket that would block re-binding the port.
            Task up = PumpAsync(connection.Client, connection.Upstream, halfCloseOnEof: true, ct);
            Task down = PumpAsync(connection.Upstream, connection.Client, halfCloseOnEof: false, ct);

            Task first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (first != up || !first.IsCompletedSuccessfully)
            {
                connection.Abort();
            }

            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Upstream refused (broker down), reset, shutdown, ...: whatever it is, the only
            // sensible reaction is to drop this one client. Never let it escape (see DisposeAsync).
        }
        finally
        {
            connection.Abort();
            _connections.TryRemove(id, out _);
        }
    }

    private static async Task PumpAsync(Socket source, Socket destination, bool halfCloseOnEof, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read = await source.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    if (halfCloseOnEof)
                    {
                        try
                        {
                            destination.Shutdown(SocketShutdown.Send);
                        }
                        catch (SocketException)
                        {
                        }
                    }

                    return;
                }

                int sent = 0;
                while (sent < read)
                {
                    sent += await destination.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Stops listening, closes every forwarded connection and waits for all pumps to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        _listener.Dispose(); // frees the port
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (Connection connection in _connections.Values)
        {
            connection.Abort();
        }

        Task[] pending = _connections.Values.Select(c => c.Completion).ToArray();
        await Task.WhenAll(pending).ConfigureAwait(false); // HandleAsync swallows everything
        _cts.Dispose();
    }

    /// <summary>One accepted client socket and its upstream socket.</summary>
    private sealed class Connection(Socket client, AddressFamily upstreamFamily)
    {
        private int _aborted;

        public Socket Client { get; } = client;

        public Socket Upstream { get; } = new(upstreamFamily, SocketType.Stream, ProtocolType.Tcp);

        public Task Completion { get; set; } = Task.CompletedTask;

        /// <summary>Closes both sockets (idempotent). Pending receives/sends complete with errors.</summary>
        public void Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) != 0)
            {
                return;
            }

            // Close the client side with RST (linger 0) instead of FIN: otherwise the socket
            // whose local port is the FIXED port sits in TIME_WAIT for 60 s whenever we close
            // first (broker down, dispose), and binders without SO_REUSEADDR then get
            // EADDRINUSE. Trade-off: bytes still queued towards the client are discarded, which
            // only matters when the broker itself is dropping the connection anyway.
            try
            {
                Client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            Client.Dispose();
            Upstream.Dispose();
        }
    }
}
