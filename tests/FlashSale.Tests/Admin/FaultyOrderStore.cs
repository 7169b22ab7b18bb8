using FlashSale.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Admin;

/// <summary>
/// The record's orders as they are, except that a sale's export stream fails on its first read, or finding one order
/// fails, when a test asks.
/// </summary>
public sealed class FaultyOrderStore(IOrderStore inner) : IOrderStore
{
    /// <summary>Makes the server's order record this wrapper around the real store <typeparamref name="TStore"/> (SQLite or PostgreSQL).</summary>
    public static void Wrap<TStore>(IServiceCollection services) where TStore : class, IOrderStore
    {
        services.AddSingleton<TStore>();
        services.AddSingleton(sp => new FaultyOrderStore(sp.GetRequiredService<TStore>()));
        services.AddSingleton<IOrderStore>(sp => sp.GetRequiredService<FaultyOrderStore>());
    }

    public Exception? FailExport { get; set; }

    public Exception? FailFind { get; set; }

    public Task<OrderPage?> ListByUserAsync(string userId, int limit, Guid? after, CancellationToken ct) =>
        inner.ListByUserAsync(userId, limit, after, ct);

    public Task<IReadOnlyList<Order>> ListByUserAndSaleAsync(string userId, Guid saleId, CancellationToken ct) =>
        inner.ListByUserAndSaleAsync(userId, saleId, ct);

    public Task<Order?> FindAsync(Guid orderId, CancellationToken ct) =>
        FailFind is { } failure ? Task.FromException<Order?>(failure) : inner.FindAsync(orderId, ct);

    public Task<OrderPage> ListBySaleAsync(Guid saleId, OrderPageRequest request, CancellationToken ct) =>
        inner.ListBySaleAsync(saleId, request, ct);

    public async IAsyncEnumerable<Order> StreamBySaleAsync(Guid saleId, bool newestFirst,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // Thrown by the first MoveNextAsync, where the real stores open their reader.
        await Task.Yield();
        if (FailExport is { } failure)
        {
            throw failure;
        }

        await foreach (var order in inner.StreamBySaleAsync(saleId, newestFirst, ct))
        {
            yield return order;
        }
    }

    public Task<IReadOnlyList<Order>> FirstConfirmedAsync(Guid saleId, int limit, CancellationToken ct) =>
        inner.FirstConfirmedAsync(saleId, limit, ct);
}
