namespace FlashSale.Drill.Api;

/// <summary>The drill could not get going or finish checking (bad options, server unreachable, feature off): exit 2.</summary>
public sealed class DrillSetupException : Exception
{
    public DrillSetupException()
    {
    }

    public DrillSetupException(string message) : base(message)
    {
    }

    public DrillSetupException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
