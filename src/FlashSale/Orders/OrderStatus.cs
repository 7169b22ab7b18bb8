using System.Text.Json.Serialization;

namespace FlashSale.Orders;

[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    [JsonStringEnumMemberName("confirmed")] Confirmed,
    /// <summary>Distributed mode only: decided in Redis, not yet committed to PostgreSQL.</summary>
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
