using System.Globalization;

namespace FlashSale.Sales;

/// <summary>
/// Masks a buyer's name for the public leaderboard: enough to recognise yourself, not enough to find
/// anyone. The mask is always "***", so the length of the name is not shown either.
/// </summary>
public static class NameMask
{
    public static string Mask(string? name)
    {
        // Text elements, not chars: a name never splits inside an emoji or an accented letter.
        var letters = Elements(name ?? "");
        return letters.Count switch
        {
            0 => "***",
            <= 3 => letters[0] + "***",                             // "bob" → "b***"
            4 => letters[0] + "***" + letters[^1],                  // "anna" → "a***a"
            _ => letters[0] + letters[1] + "***" + letters[^1],     // "alice" → "al***e"
        };
    }

    private static List<string> Elements(string name)
    {
        var list = new List<string>();
        var e = StringInfo.GetTextElementEnumerator(name.Trim());
        while (e.MoveNext())
        {
            list.Add(e.GetTextElement());
        }

        return list;
    }
}
