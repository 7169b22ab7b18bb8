using FlashSale.Storage;
using FlashSale.Storage.Redis;
using StackExchange.Redis;

namespace FlashSale.Tests.Distributed;

/// <summary>
/// Which exceptions count as Redis failing: the client's own, and the <see cref="InvalidOperationException"/> its write
/// path throws when the connection dies under it (<c>RedisKillDrill</c> saw it answer a purchase 500 and end the
/// persister's loop); an <see cref="InvalidOperationException"/> from anywhere else is a bug and stays one.
/// </summary>
public sealed class RedisFailureTests
{
    [Fact]
    public void TheClientsBrokenWritePath_IsARedisFailure_AndAStoreUnavailable()
    {
        var broken = Capture(StackExchange.Redis.Simulated.BrokenWriter.Write);

        Assert.True(RedisFailure.IsBrokenWrite(broken));
        Assert.True(RedisFailure.Is(broken));
        Assert.True(StoreUnavailableExceptionHandler.IsStoreUnavailable(broken));
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

