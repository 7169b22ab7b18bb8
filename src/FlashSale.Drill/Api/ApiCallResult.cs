namespace FlashSale.Drill.Api;

/// <summary>An admin or public call's answer: the status, the body when it parsed, or the problem.</summary>
internal sealed record ApiCallResult<T>(int Status, T? Body, ProblemDto? Problem)
    where T : class
{
    public bool IsSuccess => Status is >= 200 and < 300 && Body is not null;

    // A validation problem's detail is "See 'errors' for each field.": the errors themselves say what was refused (until
    // 2026-12-06 a drill refused by the server's Auth:SyntheticBuyers:MaxPerRequest said only that).
    public string Describe() =>
        Problem is null ? $"HTTP {Status}"
        : Problem.Errors is { Count: > 0 } errors
            ? $"HTTP {Status} {Problem.Reason}: {string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}"))}"
        : $"HTTP {Status} {Problem.Reason}: {Problem.Detail ?? Problem.Title}";
}
