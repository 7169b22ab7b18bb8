namespace FlashSale.Drill.Load;

/// <summary>
/// How a flood ends. <see cref="Stop"/>: start no new attempt (time up, or interrupted). <see cref="Interrupt"/>: the
/// operator stopped the run (no further copy of an attempt either). <see cref="InFlight"/>: give up on the requests still
/// in flight (an interrupt's grace ran out). <see cref="Interrupt"/> is also cancelled by the hard deadline, which stops a
/// flood as the operator does. <see cref="Abort"/>: the caller's cancellation; the run fails.
/// </summary>
internal readonly record struct FloodTokens(CancellationToken Stop, CancellationToken Interrupt, CancellationToken InFlight,
    CancellationToken Abort);
