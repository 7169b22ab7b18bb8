namespace FlashSale.Tests.Infrastructure;

/// <summary>A fault scene's steps: each waits, polling every 20 ms, until the real stores show the state it needs.</summary>
public static class SceneSteps
{
    public static async Task UntilAsync(Func<Task<bool>> condition, int withinSeconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(withinSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the scene did not reach its next step within {withinSeconds} s");
            await Task.Delay(20);
        }
    }
}
