using FlashSale.Common;

namespace FlashSale.Accounts;

/// <summary>
/// What a new account's password must not be, beyond its length (<see cref="CredentialsRequest.Check"/>): what a guesser
/// tries first — one of the commonest passwords, one character repeated, a run of keys or digits (12345678, abcdefgh,
/// 87654321), or the username itself (NIST SP 800-63B, 5.1.1.2). Until 2026-12-07 "12345678" and "aaaaaaaa" were taken,
/// and registration tells anyone which usernames exist, so one common password tried against each of them found
/// accounts (an audit). Only for new passwords: a sign-in is never refused for a password an account already has.
/// </summary>
public static class NewPasswordRules
{
    internal const string Message = "is too easy to guess (a common password, a run such as 12345678, or the username); choose another.";

    public static Validation CheckNewPassword(this Validation validation, string? username, string? password) =>
        validation.Require(password is null || password.Length < 8 || !IsGuessable(password, username), "password", Message);

    internal static bool IsGuessable(string password, string? username)
    {
        var lower = password.ToLowerInvariant();
        return Commonest.Contains(lower)
            || lower.All(c => c == lower[0])
            || IsRun(lower, +1) || IsRun(lower, -1)
            || (username is not null && (string.Equals(lower, username, StringComparison.OrdinalIgnoreCase)
                || string.Equals(lower, new string(username.Reverse().ToArray()), StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Each character the one after the last (+1) or before it (-1): 12345678, abcdefgh, 98765432.</summary>
    private static bool IsRun(string text, int step)
    {
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] - text[i - 1] != step)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The commonest passwords of 8 characters or more in the published breach lists, lower-cased: the first a guesser
    /// tries. A list, not a breach service: nothing leaves the server.
    /// </summary>
    private static readonly HashSet<string> Commonest = new(StringComparer.Ordinal)
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word",
        "123456789", "1234567890", "12345678910", "0987654321", "123123123", "123321123", "11223344", "12341234", "12344321",
        "1234qwer", "1234abcd", "abcd1234", "abc12345", "abc123456", "a1234567", "a12345678", "aa123456", "1q2w3e4r",
        "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4", "q1w2e3r4t5", "1qaz2wsx", "1qazxsw2", "zaq12wsx", "zaq1zaq1", "qazwsxedc",
        "qwertyuiop", "qwerty12", "qwerty123", "qwerty1234", "qwertyui", "asdfghjk", "asdfghjkl", "zxcvbnm1", "zxcvbnm123",
        "123qweasd", "qweasdzxc", "iloveyou", "iloveyou1", "iloveyou2", "sunshine", "sunshine1", "princess", "princess1",
        "football", "football1", "baseball", "baseball1", "basketball", "welcome1", "welcome123", "letmein1", "letmein123",
        "trustno1", "superman", "starwars", "whatever", "computer", "internet", "jennifer", "michelle", "charlie1", "michael1",
        "liverpool", "chelsea1", "arsenal1", "dragon12", "monkey12", "shadow12", "master12", "mustang1", "access14",
        "changeme", "changeme1", "admin123", "admin1234", "administrator", "secret123", "default1", "loveyou1",
        "flashsale", "flashsale1", "flashsale123",
    };
}
