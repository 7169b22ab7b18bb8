using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Drill.Api;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MintTokensRequest))]
[JsonSerializable(typeof(MintTokensResponse))]
[JsonSerializable(typeof(CreateSaleRequest))]
[JsonSerializable(typeof(SaleDto))]
[JsonSerializable(typeof(StockDto))]
[JsonSerializable(typeof(PurchaseRequest))]
[JsonSerializable(typeof(PurchaseResponse))]
[JsonSerializable(typeof(ProblemDto))]
[JsonSerializable(typeof(AdminOrdersPage))]
internal sealed partial class DrillJsonContext : JsonSerializerContext;
