using System.Text;
using FlashSale.Storage.Postgres;
using StackExchange.Redis;
using Order = FlashSale.Orders.Order;

namespace FlashSale.Storage.Redis;

/// <summary>Reads an outbox stream entry written by purchase.lua back into the order it stands for.</summary>
internal static class OutboxEntry
{
    private const byte Bar = (byte)'|';

    public static DecidedOrder Parse(Guid saleId, StreamEntry entry)
    {
        var values = entry.Values;
        return values switch
        {
            [{ Name: var name, Value: var value }] when name == "e" => ParseEpoch(saleId, value),
            [{ Name: var name, Value: var value }] when name == "m" => ParseMeasured(saleId, value),
            [{ Name: var name, Value: var value }] when name == "d" => ParsePacked(saleId, value),
            // An entry deleted while still pending comes back without its fields: nothing to record.
            null or [] => throw new FormatException("An outbox entry without fields."),
            _ => ParseFields(saleId, values),
        };
    }

    /// <summary>
    /// The order id of an entry <see cref="Parse"/> refuses, when it can still be read (every form begins with it, the current one after the sale's epoch):
    /// a purchase waiting for that order is then told it was refused instead of waiting in vain.
    /// </summary>
    public static Guid? TryReadOrderId(StreamEntry entry)
    {
        var values = entry.Values;
        var text = values switch
        {
            [{ Name: var name, Value: var value }] when name == "e" => AfterEpoch(value.ToString()),
            [{ Name: var name, Value: var value }] when name == "m" || name == "d" => value.ToString(),
            _ => values?.FirstOrDefault(v => v.Name == "o").Value.ToString() ?? "",
        };
        var end = text.IndexOf('|');
        return Guid.TryParseExact(end < 0 ? text : text[..end], "D", out var id) ? id : null;
    }

    /// <summary>The ledger epoch an entry was decided under (the current form, epoch|order|...); null for the older forms.</summary>
    public static long? TryReadEpoch(StreamEntry entry) =>
        entry.Values is [{ Name: var name, Value: var value }] && name == "e" && value.ToString() is var text
            && text.IndexOf('|') is var bar and > 0 && long.TryParse(text.AsSpan(0, bar), out var epoch)
            ? epoch
            : null;

    /// <summary>epoch|order|...: what follows the epoch.</summary>
    private static string AfterEpoch(string text) => text.IndexOf('|') is var bar and >= 0 ? text[(bar + 1)..] : "";

    /// <summary>
    /// The form purchase.lua writes: the sale's ledger epoch the order was decided under (migration 6), then the
    /// measured form (<see cref="ParseMeasured(Guid, RedisValue)"/>): epoch|order|qty|...
    /// </summary>
    private static DecidedOrder ParseEpoch(Guid saleId, RedisValue value)
    {
        ReadOnlySpan<byte> rest = (byte[])value!;
        var epoch = LedgerValues.Long(Encoding.ASCII.GetString(Next(ref rest)));
        return ParseMeasured(saleId, rest) with { Epoch = epoch };
    }

    private static DecidedOrder ParseMeasured(Guid saleId, RedisValue value) => ParseMeasured(saleId, ((byte[])value!).AsSpan());

    /// <summary>
    /// The one-field form of the version before migration 6 (and the rest of the current one after its epoch):
    /// order|qty|time|remaining|price|currency|limit-one|user id bytes|username bytes|user id + username + key. The
    /// free texts come last, measured, so none needs escaping.
    /// </summary>
    private static DecidedOrder ParseMeasured(Guid saleId, ReadOnlySpan<byte> rest)
    {
        var order = Guid.Parse(Encoding.ASCII.GetString(Next(ref rest)));
        var terms = ReadTerms(ref rest);
        var userBytes = LedgerValues.Int(Encoding.ASCII.GetString(Next(ref rest)));
        var nameBytes = LedgerValues.Int(Encoding.ASCII.GetString(Next(ref rest)));
        if (userBytes < 0 || nameBytes < 0 || userBytes > rest.Length || nameBytes > rest.Length - userBytes)
        {
            throw new FormatException("An outbox entry's user id and username are longer than the entry.");
        }

        var texts = userBytes + nameBytes;
        return terms.ToDecided(saleId, order, Encoding.UTF8.GetString(rest[..userBytes]), Encoding.UTF8.GetString(rest[userBytes..texts]),
            rest.Length == texts ? null : Encoding.UTF8.GetString(rest[texts..]));
    }

    /// <summary>
    /// The one-field form of earlier versions, still read: order|user|qty|time|remaining|price|currency|limit-one|
    /// username bytes|username + key. The user id is not measured, so one holding a '|' does not read back.
    /// </summary>
    private static DecidedOrder ParsePacked(Guid saleId, RedisValue value)
    {
        ReadOnlySpan<byte> rest = (byte[])value!;
        var order = Guid.Parse(Encoding.ASCII.GetString(Next(ref rest)));
        var user = Encoding.UTF8.GetString(Next(ref rest));
        var terms = ReadTerms(ref rest);
        var nameBytes = LedgerValues.Int(Encoding.ASCII.GetString(Next(ref rest)));
        if (nameBytes < 0 || nameBytes > rest.Length)
        {
            throw new FormatException("An outbox entry's username is longer than the entry.");
        }

        return terms.ToDecided(saleId, order, user, Encoding.UTF8.GetString(rest[..nameBytes]),
            rest.Length == nameBytes ? null : Encoding.UTF8.GetString(rest[nameBytes..]));
    }

    /// <summary>qty|time|remaining|price|currency|limit-one: the same six parts, in the same order, in both packed forms.</summary>
    private static Terms ReadTerms(ref ReadOnlySpan<byte> rest) => new(
        LedgerValues.Int(Encoding.ASCII.GetString(Next(ref rest))),
        LedgerValues.Long(Encoding.ASCII.GetString(Next(ref rest))),
        LedgerValues.Int(Encoding.ASCII.GetString(Next(ref rest))),
        LedgerValues.ParsePrice(Encoding.ASCII.GetString(Next(ref rest))),
        Encoding.UTF8.GetString(Next(ref rest)),
        Next(ref rest) is [(byte)'1']);

    private readonly record struct Terms(int Quantity, long Time, int Remaining, decimal Price, string Currency, bool LimitOne)
    {
        public DecidedOrder ToDecided(Guid saleId, Guid id, string user, string username, string? key) => new(new Order
        {
            Id = id,
            SaleId = saleId,
            UserId = user,
            Username = username,
            Quantity = Quantity,
            UnitPrice = Price,
            Currency = Currency,
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(Time),
            RemainingAfter = Remaining,
            IdempotencyKey = key,
        }, LimitOne);
    }

    private static ReadOnlySpan<byte> Next(ref ReadOnlySpan<byte> rest)
    {
        var end = rest.IndexOf(Bar);
        if (end < 0)
        {
            throw new FormatException("An outbox entry has fewer parts than purchase.lua writes.");
        }

        var part = rest[..end];
        rest = rest[(end + 1)..];
        return part;
    }

    /// <summary>The form of earlier versions, one stream field per value: entries they left are still read.</summary>
    private static DecidedOrder ParseFields(Guid saleId, NameValueEntry[] values)
    {
        // One pass over the fields: the entry's indexer scans all of them for each name it is asked.
        string? o = null, u = null, n = null, q = null, p = null, c = null, t = null, r = null, k = null, l = null;
        foreach (var field in values)
        {
            var value = field.Value.ToString();
            switch (field.Name.ToString())
            {
                case "o": o ??= value; break;
                case "u": u ??= value; break;
                case "n": n ??= value; break;
                case "q": q ??= value; break;
                case "p": p ??= value; break;
                case "c": c ??= value; break;
                case "t": t ??= value; break;
                case "r": r ??= value; break;
                case "k": k ??= value; break;
                case "l": l ??= value; break;
            }
        }

        return new DecidedOrder(new Order
        {
            Id = Guid.ParseExact(o ?? "", "D"),
            SaleId = saleId,
            UserId = u ?? "",
            Username = n ?? "",
            Quantity = LedgerValues.Int(q ?? ""),
            UnitPrice = LedgerValues.ParsePrice(p ?? ""),
            Currency = c ?? "",
            PurchasedAt = DateTimeOffset.FromUnixTimeMilliseconds(LedgerValues.Long(t ?? "")),
            RemainingAfter = LedgerValues.Int(r ?? ""),
            IdempotencyKey = string.IsNullOrEmpty(k) ? null : k,
        }, l == "1");
    }
}
