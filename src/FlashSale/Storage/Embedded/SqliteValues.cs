using System.Globalization;
using Microsoft.Data.Sqlite;

namespace FlashSale.Storage.Embedded;

/// <summary>Conversions between domain values and SQLite columns, in one place.</summary>
internal static class SqliteValues
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : FromMs(reader.GetInt64(ordinal));

    public static long ToMinor(decimal amount) => (long)decimal.Round(amount * 100m, 0, MidpointRounding.ToEven);

    public static decimal FromMinor(long minor) => minor / 100m;  // same form as Money.Normalize

    public static string Id(Guid id) => id.ToString("D");

    public static Guid Guid(SqliteDataReader reader, int ordinal) =>
        System.Guid.ParseExact(reader.GetString(ordinal), "D");

    public static string? NullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    public static int Int(object? scalar) => Convert.ToInt32(scalar, CultureInfo.InvariantCulture);
}
