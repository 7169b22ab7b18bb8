namespace FlashSale.Drill.Cli;

/// <summary>A named shape of load; <see cref="Custom"/> exposes every knob.</summary>
public enum Preset
{
    Seed,
    Crowd,
    Soak,
    Custom,
}
