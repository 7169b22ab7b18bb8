using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

/// <summary>A synthetic buyer identity minted by the admin API.</summary>
internal sealed record MintedBuyer(
    [property: JsonConverter(typeof(FlexibleIdConverter))] string UserId,
    string Username,
    string AccessToken);
