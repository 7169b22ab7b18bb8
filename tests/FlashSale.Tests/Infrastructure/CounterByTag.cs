using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Infrastructure;

/// <summary>
/// One counter of the given servers' meters only (each test server has its own <see cref="IMeterFactory"/>, so tests
/// running beside it count nothing here), summed by the value of one tag.
/// </summary>
public sealed class CounterByTag : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public CounterByTag(string instrument, string tag, params TestApp?[] apps)
    {
        var factories = apps.OfType<TestApp>().Select(a => a.Services.GetRequiredService<IMeterFactory>()).ToList();
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && factories.Any(f => ReferenceEquals(f, published.Meter.Scope)))
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var (key, tagged) in tags)
            {
                if (key == tag)
                {
                    _counts.AddOrUpdate((string)tagged!, value, (_, n) => n + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The sum counted with the tag at <paramref name="value"/>.</summary>
    public long Of(string value) => _counts.GetValueOrDefault(value);

    public void Dispose() => _listener.Dispose();
}
