using System.Collections.Concurrent;

namespace FlashSale.Tests.Faults.Distributed;

/// <summary>
/// A crowd of concurrent buyers for a fault drill: <c>workers</c> loops, each with its own seeded
/// <see cref="Random"/>, calling one attempt after another until stopped. An attempt that throws
/// (an assertion, a bug in the drill) stops nothing but is rethrown by <see cref="StopAsync"/>.
/// </summary>
public sealed class Flood
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly Task[] _workers;

    private Flood(int workers, int seed, Func<Random, CancellationToken, Task> attempt)
    {
        _workers = Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + i);
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await attempt(random, _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    _errors.Enqueue(e);
                    await Task.Delay(50);
                }
            }
        })).ToArray();
    }

    public static Flood Start(int workers, int seed, Func<Random, CancellationToken, Task> attempt) => new(workers, seed, attempt);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
        if (!_errors.IsEmpty)
        {
            throw new AggregateException("the flood's attempts failed", _errors.Take(10));
        }
    }
}
