using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace FlashSale.Common;

/// <summary>
/// Checks a settings section's data annotations at start and names each value it refuses as the operator sets it: the
/// configuration key and its environment variable, the range and the value given —
/// <c>RateLimiting:Leases:MaxPermits must be from 1 to 100000, not 0 (environment variable RateLimiting__Leases__MaxPermits).</c>
/// <c>ValidateDataAnnotations</c> said "The field MaxPermits must be between 1 and 100000", the C# property's name,
/// which the operator has to map back to a key, and it did not look into nested groups (<c>Auth:SyntheticBuyers</c>),
/// whose ranges went unchecked. A ValidateOnStart failure stops the start with these lines (StartFailure).
/// </summary>
public static class SettingsValidation
{
    /// <summary>Instead of <c>ValidateDataAnnotations</c>: the same attributes, messages that name <paramref name="section"/>'s keys.</summary>
    public static OptionsBuilder<T> ValidateSettings<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new Validator<T>(builder.Name, section));
        return builder;
    }

    /// <summary>What is wrong with <paramref name="settings"/>, bound from <paramref name="path"/>, one message per value.</summary>
    public static IEnumerable<string> Check(object settings, string path)
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || !property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                // Bound settings are read-write; computed ones (PasswordHashingOptions.Concurrency) are not set by anyone.
                continue;
            }

            var key = $"{path}:{property.Name}";
            var value = property.GetValue(settings);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                var context = new ValidationContext(settings) { MemberName = property.Name, DisplayName = key };
                if (attribute.GetValidationResult(value, context) is { } failure)
                {
                    yield return Describe(attribute, key, value, failure);
                }
            }

            if (value is not null && IsGroup(property.PropertyType))
            {
                foreach (var nested in Check(value, key))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>How a key is spelled as an environment variable: <c>RateLimiting__Leases__MaxPermits</c>.</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static string Describe(ValidationAttribute attribute, string key, object? value, ValidationResult failure)
    {
        // An attribute's own message already says what the key needs (Sales:ListStockMaxAge); the framework's says
        // "The field X must be between …": a range is said in our words, with the value that was given.
        var what = attribute switch
        {
            RangeAttribute range when attribute.ErrorMessage is null =>
                $"{key} must be from {Show(range.Minimum)} to {Show(range.Maximum)}, not {Show(value)}",
            // "The field Namespace must match the regular expression …" named neither the key nor the value given.
            RegularExpressionAttribute pattern =>
                $"{(attribute.ErrorMessage ?? $"{key} must match {pattern.Pattern}").TrimEnd('.')}, not '{Show(value)}'",
            _ => (failure.ErrorMessage ?? $"{key} is not valid").TrimEnd('.'),
        };
        return $"{what} (environment variable {EnvironmentVariable(key)}).";
    }

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        TimeSpan time => Show(time),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>As a setting is written: <c>00:00:00.01</c>, not the seven-digit fraction of "c".</summary>
    private static string Show(TimeSpan time)
    {
        var text = time.ToString("c", CultureInfo.InvariantCulture);
        return text.IndexOf('.', text.LastIndexOf(':')) > 0 ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    /// <summary>A nested group of settings (<c>Auth:SyntheticBuyers</c>): one of our own classes, not a list or a map.</summary>
    private static bool IsGroup(Type type) =>
        type.IsClass && type != typeof(string) && type.Assembly == typeof(SettingsValidation).Assembly
        && !typeof(IEnumerable).IsAssignableFrom(type);

    private sealed class Validator<T>(string? name, string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = Check(options, section).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
