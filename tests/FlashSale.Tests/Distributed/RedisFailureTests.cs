using FlashSale.Storage;
using FlashSale.Storage.Redis;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Which exceptions count as Redis failing: the client's own, and the <see cref="InvalidOperationException"/> its write
/// path throws when the connection dies under it (<c>RedisKillDrill</c> saw it answer a purchase 500 and end the
/// persister's loop), and the socket's own reset its read loop fails the commands in flight with (five 500s in a CI
/// round); the same types from anywhere else are bugs and stay ones.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void TheClientsBrokenWritePath_IsARedisFailure_AndAStoreUnavailable()
    {
        var broken = Capture(StackExchange.Redis.Simulated.BrokenWriter.Write);

        Assert.True(RedisFailure.IsBrokenConnection(broken));
        Assert.True(RedisFailure.Is(broken));
        Assert.True(StoreUnavailableExceptionHandler.IsStoreUnavailable(broken));
    }

    [Fact]
    public void TheClientsReadLoopFailingOnAResetSocket_IsARedisFailure_AndAnOutage()
    {
        var reset = Capture(StackExchange.Redis.Simulated.ResetReader.Read);

        Assert.True(RedisFailure.IsBrokenConnection(reset));
        Assert.True(RedisFailure.IsOutage(reset));
        Assert.True(StoreUnavailableExceptionHandler.IsStoreUnavailable(reset));
    }

    [Fact]
    public void AnIOExceptionOfOurOwn_IsNot()
    {
        var ours = Capture(() => throw new IOException("Connection reset by peer"));

        Assert.False(RedisFailure.Is(ours));
        Assert.False(StoreUnavailableExceptionHandler.IsStoreUnavailable(ours));
    }

    [Fact]
    public void AnInvalidOperationOfOurOwn_IsNot()
    {
        var ours = Capture(() => throw new InvalidOperationException("Writing is not allowed after writer was completed."));

        Assert.False(RedisFailure.Is(ours));
        Assert.False(StoreUnavailableExceptionHandler.IsStoreUnavailable(ours));
    }

    [Fact]
    public void TheClientsOwnExceptions_AreRedisFailures()
    {
        Assert.True(RedisFailure.Is(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisFailure.Is(new RedisTimeoutException("Timeout performing EVALSHA", CommandStatus.Sent)));
        Assert.True(RedisFailure.Is(new RedisServerException("LOADING")));
    }

    private static Exception Capture(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex)
        {
            return ex;
        }

        throw new InvalidOperationException("nothing was thrown");
    }
}

