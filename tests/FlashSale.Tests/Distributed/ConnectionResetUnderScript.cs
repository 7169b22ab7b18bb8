using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// The server's Redis connection, with the next script's reply lost to a reset socket once <see cref="Arm"/> is called:
/// the script runs on the real Redis, then the caller gets the raw <c>ConnectionResetException</c> that the client's read
/// loop hands the commands awaiting a reply when Redis dies under load (<c>RedisConnectionResetTests</c>).
/// </summary>
public class ConnectionResetUnderScript : DispatchProxy
{
    private object _inner = null!;
    private ConnectionResetUnderScript _armed = null!;
    private int _resets;

    /// <summary>Replaces the registered multiplexer with one whose databases lose the next armed script's reply.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IConnectionMultiplexer));
        services.AddSingleton<ConnectionResetUnderScript>(sp =>
        {
            var real = registered.ImplementationFactory is { } factory
                ? (IConnectionMultiplexer)factory(sp)
                : (IConnectionMultiplexer)registered.ImplementationInstance!;
            return (ConnectionResetUnderScript)(object)Around<IConnectionMultiplexer>(real, null);
        });
        services.AddSingleton(sp => (IConnectionMultiplexer)(object)sp.GetRequiredService<ConnectionResetUnderScript>());
    }

    /// <summary>The next script evaluated runs, and its reply is lost to a reset.</summary>
    public void Arm() => Volatile.Write(ref _resets, 1);

    private static T Around<T>(object inner, ConnectionResetUnderScript? armed) where T : class
    {
        var proxy = Create<T, ConnectionResetUnderScript>();
        var self = (ConnectionResetUnderScript)(object)proxy;
        self._inner = inner;
        self._armed = armed ?? self;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        object? result;
        try
        {
            result = targetMethod!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        if (targetMethod.Name == nameof(IConnectionMultiplexer.GetDatabase) && result is IDatabase db)
        {
            return Around<IDatabase>(db, _armed);
        }

        if (targetMethod.Name == nameof(IDatabase.ScriptEvaluateAsync) && Interlocked.Exchange(ref _armed._resets, 0) == 1)
        {
            return ResetAfterAsync((Task<RedisResult>)result!);
        }

        return result;
    }

    private static async Task<RedisResult> ResetAfterAsync(Task<RedisResult> script)
    {
        await script;
        StackExchange.Redis.Simulated.ResetReader.Read();
        throw new System.Diagnostics.UnreachableException();
    }
}
