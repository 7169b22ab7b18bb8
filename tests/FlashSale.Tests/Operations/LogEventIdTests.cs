using System.Reflection;
using Microsoft.Extensions.Logging;

namespace FlashSale.Tests.Operations;

/// <summary>Operators filter and alert on log event ids: one id is one kind of event, in the whole server.</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void EveryLogEventId_NamesOneKindOfEvent()
    {
        var events = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count > 20, $"only {events.Count} logging methods found: is the attribute still kept?");
        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
