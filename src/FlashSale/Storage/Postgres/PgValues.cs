using Npgsql;

namespace FlashSale.Storage.Postgres;

/// <summary>Conversions between domain values and PostgreSQL columns, in one place.</summary>
internal static class PgValues
{
    /// <summary>numeric(12,2) reads back as 10.00; the domain's form is 10 (same as the embedded store).</summary>
    public static decimal Money(decimal stored) => FlashSale.Common.Money.Normalize(stored);

    /// <summary>timestamptz keeps microseconds; the domain keeps what it wrote, as UTC.</summary>
    public static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc), TimeSpan.Zero);

    public static DateTime Ms(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).UtcDateTime;

    public static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    public static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
