using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Ceiling;

/// <summary>Source-generated JSON: the cheapest System.Text.Json can be, as a ceiling should be.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PurchaseBody))]
[JsonSerializable(typeof(CeilingOrder))]
internal sealed partial class CeilingJson : JsonSerializerContext;
