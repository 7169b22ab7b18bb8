using System.Net;

namespace FlashSale.Drill.Cli;

/// <summary>The drill is a load generator: by default it may only hit this machine.</summary>
internal static class TargetGuard
{
    public static bool IsLoopback(Uri url)
    {
        var host = url.IdnHost.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // IPAddress.IsLoopback covers all of 127.0.0.0/8 and ::1.
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
