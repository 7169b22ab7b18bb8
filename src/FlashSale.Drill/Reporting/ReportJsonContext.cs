using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlashSale.Drill.Reporting;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DrillReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
