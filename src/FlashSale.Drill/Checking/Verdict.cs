using System.Text.Json.Serialization;

namespace FlashSale.Drill.Checking;

/// <summary>
/// One invariant's result. <see cref="Examples"/> holds a few concrete violations, or, when it passed, warnings: what
/// held but leaves the proof thin or needs a look (<see cref="Warned"/>).
/// </summary>
public sealed record Verdict(string Id, string Guarantee, string Title, bool Passed, string Detail, IReadOnlyList<string> Examples)
{
    public const int MaxExamples = 5;

    /// <summary>Passed, with warnings in <see cref="Examples"/>.</summary>
    public bool Warned => Passed && Examples.Count > 0;

    /// <summary>
    /// What to do about a failure, printed on lines of its own under the summary's tables (a setting to paste, whole), not
    /// inside the verdict's cell, where the table wrapped it; null when there is nothing to add.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hint { get; init; }

    /// <summary>
    /// A verdict from its findings. <paramref name="failDetail"/>: the detail of a failure, when the violations listed are
    /// groups and their count would mislead ("1 violation(s)" for 73 requests unanswered); by default "n violation(s)".
    /// </summary>
    public static Verdict From(string id, string guarantee, string title, IReadOnlyCollection<string> violations,
        string passDetail, IReadOnlyCollection<string>? warnings = null, string? failDetail = null)
    {
        ArgumentNullException.ThrowIfNull(violations);
        return (violations.Count, warnings?.Count ?? 0) switch
        {
            (0, 0) => new Verdict(id, guarantee, title, true, passDetail, []),
            (0, var n) => new Verdict(id, guarantee, title, true, $"{passDetail}; {n} warning(s)", [.. warnings!.Take(MaxExamples)]),
            _ => new Verdict(id, guarantee, title, false, failDetail ?? $"{violations.Count} violation(s)", [.. violations.Take(MaxExamples)]),
        };
    }
}
