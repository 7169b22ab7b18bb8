using FlashSale.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Storage.Redis;

public static class RedisRateLimiterSetup
{
    /// <summary>
    /// Rate limits counted in Redis, shared by all instances (<c>Storage:Mode=Distributed</c>).
    /// Needs an <c>IConnectionMultiplexer</c> singleton; replaces the process-local limiter whether
    /// called before or after <c>AddFlashSaleRateLimiting</c>.
    /// </summary>
    public static IServiceCollection AddRedisRateLimiter(this IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IRateLimiter, RedisRateLimiter>());
}
