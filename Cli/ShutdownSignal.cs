using System.Runtime.InteropServices;

namespace Segmenter.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM into a cancellation, so that a command ends the way it would on its own:
/// a demo or load run delivers what it sent and prints its summary, a follow returns 0. A second signal terminates at
/// once. (System.CommandLine's own termination handling did not reach the actions here, so the entry points own it.)
/// </summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];

    public CancellationToken Token => _requested.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _requested.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_requested.IsCancellationRequested)
            return; // the second signal: let the default action end the process
        context.Cancel = true;
        _requested.Cancel();
    }
}
