using System.Runtime.InteropServices;
using FlashSale.Drill.Load;

namespace FlashSale.Drill.Cli;

/// <summary>
/// The operator's stop, as load tools do it (k6, vegeta): the first SIGINT (Ctrl+C) or SIGTERM stops the flood
/// gracefully — <see cref="Stop"/> is cancelled and the run ends with the summary of what was done; a second one exits at
/// once, without a summary (<see cref="ForcedExitCode"/>), unless it comes within <see cref="StopSignalCount.SameStop"/> of
/// the first: then it is the same stop delivered twice (<see cref="StopSignalCount"/>).
/// </summary>
internal sealed class StopSignals : IDisposable
{
    /// <summary>The exit code of a second signal: no verdict, as every other run that ends without one.</summary>
    public const int ForcedExitCode = 2;

    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly Action<string> _onStop;
    private readonly Action<string> _onForcedExit;
    private readonly StopSignalCount _count = new(TimeProvider.System);

    /// <param name="onStop">
    /// Told of the first signal (its name) just before <see cref="Stop"/> is cancelled, so that what it says is the phase
    /// the signal found: told after, it could find the flood already ended by the cancellation itself, and said "the flood
    /// is over" for a Ctrl+C that stopped it (seen in CI, <c>DrillProcessInterruptTests</c>).
    /// </param>
    /// <param name="onForcedExit">Told of the second, just before the process exits.</param>
    public StopSignals(Action<string> onStop, Action<string> onForcedExit)
    {
        _onStop = onStop;
        _onForcedExit = onForcedExit;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    public CancellationToken Stop => _stop.Token;

    /// <summary>What the first signal does, said when it comes: it depends on the phase the run is in.</summary>
    public static string Notice(string signal, LiveStats stats, TimeSpan grace)
    {
        const string again = "Press Ctrl+C again (or send another SIGTERM, half a second or more later) to exit at once without one.";
        return !stats.FloodStarted
            ? $"drill: {signal}: stopping before the flood — no purchase is sent, nothing to check (exit {ForcedExitCode})."
            : !stats.FloodEnded
                ? $"drill: {signal}: stopping — no new requests; up to {DurationText.Format(grace)} for the {stats.InFlight} in flight, " +
                  $"then the summary of what was done. {again}"
                : $"drill: {signal}: the flood is over — the check of what it did goes on, then the summary. {again}";
    }

    public bool Stopped => _stop.IsCancellationRequested;

    private void Handle(PosixSignalContext context)
    {
        // Not the runtime's default (SIGINT ends the process, SIGTERM begins a shutdown): the drill decides.
        context.Cancel = true;
        var name = context.Signal == PosixSignal.SIGINT ? "SIGINT (Ctrl+C)" : "SIGTERM";
        switch (_count.Receive())
        {
            case StopSignalKind.First:
                _onStop(name);
                _stop.Cancel();
                return;
            case StopSignalKind.SameStop:
                return;
        }

        _onForcedExit(name);
        Environment.Exit(ForcedExitCode);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
