namespace FlashSale.Drill.Checking;

/// <summary>One invariant's result. <see cref="Examples"/> holds a few concrete violations (or notes when it passed).</summary>
public sealed record Verdict(string Id, string Guarantee, string Title, bool Passed, string Detail, IReadOnlyList<string> Examples)
{
    public const int MaxExamples = 5;

    public static Verdict From(string id, string guarantee, string title, IReadOnlyCollection<string> violations,
        string passDetail)
    {
        ArgumentNullException.ThrowIfNull(violations);
        return violations.Count == 0
            ? new Verdict(id, guarantee, title, true, passDetail, [])
            : new Verdict(id, guarantee, title, false, $"{violations.Count} violation(s)", [.. violations.Take(MaxExamples)]);
    }
}
