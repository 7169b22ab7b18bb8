using System.ComponentModel.DataAnnotations;

namespace FlashSale.Common;

/// <summary>
/// A <see cref="TimeSpan"/> setting that is used counted in whole seconds (PostgreSQL's command timeout), so a part of
/// a second would be silently rounded: such a value stops the start instead (with <c>ValidateSettings</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class WholeSecondsAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not TimeSpan span || span.Ticks % TimeSpan.TicksPerSecond == 0;
}
