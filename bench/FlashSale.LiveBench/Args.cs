using System.Globalization;

namespace FlashSale.LiveBench;

internal sealed record Args(string Url, int Pid, int Clients, string? Sale, int SettleSeconds, int IdleSeconds, string? AdminPassword,
    int Purchases, int IntervalMs, int HoldSeconds)
{
    public static Args Parse(string[] args)
    {
        string? Optional(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        string Value(string name, string? fallback = null) =>
            Optional(name) ?? fallback ?? throw new ArgumentException($"{name} is required.");

        int Number(string name, string fallback, int min) =>
            int.TryParse(Value(name, fallback), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{name} must be a whole number of at least {min}.");

        return new Args(Value("--url", "http://127.0.0.1:5000"), Number("--pid", "0", 1), Number("--clients", "1000", 1),
            Optional("--sale"), Number("--settle", "5", 0), Number("--idle", "20", 1), Optional("--admin-password"),
            Number("--purchases", "50", 1), Number("--interval-ms", "100", 1), Number("--hold", "0", 0));
    }
}
