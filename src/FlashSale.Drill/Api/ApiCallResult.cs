namespace FlashSale.Drill.Api;

/// <summary>An admin or public call's answer: the status, the body when it parsed, or the problem.</summary>
internal sealed record ApiCallResult<T>(int Status, T? Body, ProblemDto? Problem)
    where T : class
{
    public bool IsSuccess => Status is >= 200 and < 300 && Body is not null;

    public string Describe() =>
        Problem is null ? $"HTTP {Status}" : $"HTTP {Status} {Problem.Reason}: {Problem.Detail ?? Problem.Title}";
}
