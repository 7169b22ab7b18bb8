using System.Text.Json.Serialization;

namespace FlashSale.Sales;

[JsonConverter(typeof(JsonStringEnumConverter<SaleStatus>))]
public enum SaleStatus
{
    [JsonStringEnumMemberName("upcoming")] Upcoming,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("sold_out")] SoldOut,
    [JsonStringEnumMemberName("ended")] Ended,
}
