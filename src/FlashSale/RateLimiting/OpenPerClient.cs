namespace FlashSale.RateLimiting;

/// <summary>
/// How many of something each client address holds open now (connections, live streams), up to a cap. Thread-safe;
/// the table holds only the addresses with something open: an entry is removed when its count reaches zero.
/// </summary>
public sealed class OpenPerClient(int max)
{
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Counts one more for <paramref name="client"/>; false (nothing counted) when it holds <c>max</c> already.</summary>
    public bool TryEnter(string client)
    {
        lock (_open)
        {
            var open = _open.GetValueOrDefault(client);
            if (open >= max)
            {
                return false;
            }

            _open[client] = open + 1;
            return true;
        }
    }

    /// <summary>One fewer for <paramref name="client"/>: once for each <see cref="TryEnter"/> that counted.</summary>
    public void Leave(string client)
    {
        lock (_open)
        {
            if (_open.TryGetValue(client, out var open) && open > 1)
            {
                _open[client] = open - 1;
            }
            else
            {
                _open.Remove(client);
            }
        }
    }
}
