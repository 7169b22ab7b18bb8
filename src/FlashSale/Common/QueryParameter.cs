namespace FlashSale.Common;

/// <summary>A query parameter a handler binds: its name in the query, its place among the handler's arguments.</summary>
internal sealed record QueryParameter(string Name, int Index, bool IgnoredWhenRepeated);
