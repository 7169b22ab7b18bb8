using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using FlashSale.Storage;

namespace FlashSale.Accounts;

/// <summary>
/// The HMAC key that signs this server's tokens: generated on first start and kept in the data
/// folder (owner-only), so it is never a constant in code and survives restarts. Instances of a
/// distributed deployment share it through <c>Auth:SigningKey</c> (base64) instead.
/// </summary>
public sealed class SigningKey
{
    public SigningKey(IOptions<StorageOptions> storage, IConfiguration configuration)
    {
        var configured = configuration["Auth:SigningKey"];
        var bytes = string.IsNullOrWhiteSpace(configured) ? LoadOrCreate(storage.Value.DataPath) : FromConfiguration(configured);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException(Requirement);
        }

        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

    private const string Requirement = "Auth:SigningKey must be at least 32 random bytes in base64 (e.g. `openssl rand -base64 64`).";

    /// <summary>The configured key, or a start refused with what the setting needs (not a bare FormatException).</summary>
    private static byte[] FromConfiguration(string configured)
    {
        try
        {
            return Convert.FromBase64String(configured.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{Requirement} The value given is not base64.");
        }
    }

    private static byte[] LoadOrCreate(string dataPath)
    {
        Directory.CreateDirectory(dataPath);
        var path = Path.Combine(dataPath, "signing-key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var bytes = RandomNumberGenerator.GetBytes(64);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(Convert.ToBase64String(bytes));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        return bytes;
    }
}
