using BenchmarkDotNet.Running;

namespace FlashSale.Bench.Micro;

public static class BenchProgram
{
    /// <summary>Arguments go to BenchmarkDotNet: <c>--filter '*Json*'</c>, <c>--list flat</c>, ...</summary>
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchProgram).Assembly).Run(args, ShortConfig.Create());
}
