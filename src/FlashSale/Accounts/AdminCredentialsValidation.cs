using Microsoft.Extensions.Options;

namespace FlashSale.Accounts;

/// <summary>
/// <c>Admin:Username</c> and <c>Admin:Password</c> held to the sign-in's own rules (<see cref="CredentialsRequest.Check"/>):
/// the sign-in refuses anything else, so such an admin could never sign in. Each rule broken is named with its setting,
/// never the value. Until 2026-12-07 one fixed message named the length rules whatever was wrong: a 20-character
/// password ending in a line break (a secret read from a file) was refused as not "8–128 characters".
/// </summary>
internal sealed class AdminCredentialsValidation : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var check = CredentialsRequest.Check(options.Username, options.Password, passwordRequired: false);
        if (check.IsValid)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(check.Errors.SelectMany(field => field.Value.Select(rule =>
            $"{Setting(field.Key)} {rule.TrimEnd('.')}{Hint(field.Key, rule)}: the sign-in refuses it, so this admin could never sign in.")));
    }

    private static string Setting(string field) => field == "password" ? $"{AdminOptions.Section}:Password" : $"{AdminOptions.Section}:Username";

    private static string Hint(string field, string rule) =>
        field == "password" && rule.Contains("control characters", StringComparison.Ordinal)
            ? " (a line break at its end, as a secret read from a file often has, is one)"
            : "";
}
