using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using FlashSale.Storage;

namespace FlashSale.Accounts;

/// <summary>
/// The HMAC key that signs this server's tokens: generated on first start and kept in the data
/// folder (owner-only), so it is never a constant in code and survives restarts. Instances of a
/// distributed deployment share it through <c>Auth:SigningKey</c> (base64) instead, which a distributed server
/// in Production requires.
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

    /// <summary>
    /// At start, before the stores connect or the data folder is touched: a distributed server in Production needs
    /// <c>Auth:SigningKey</c>. Without it each instance generated a key of its own into its own data folder and refused
    /// the others' tokens and cookies (401 on every instance but the one signed in to): a deployment that worked with one
    /// instance and failed once a second was behind the load balancer.
    /// </summary>
    public static void RequireSharedInProduction(IConfiguration configuration, StorageOptions storage, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(configuration["Auth:SigningKey"]) && storage.Mode == StorageMode.Distributed && environment.IsProduction())
        {
            throw new InvalidOperationException("Auth:SigningKey is required with Storage:Mode=Distributed: every instance must "
                + "verify the tokens the others sign, so give all of them the same key (at least 32 random bytes in base64, "
                + "e.g. `openssl rand -base64 64`).");
        }
    }

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
        DataFolder.Create(dataPath);
        var path = Path.Combine(dataPath, "signing-key");
        if (File.Exists(path))
        {
            return Read(path);
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
            return Read(path);
        }

        return bytes;
    }

    /// <summary>
    /// The key file of an earlier start. One that holds no key (empty: that start stopped before writing it; edited) stops
    /// the start naming the file: it said "Auth:SigningKey must be…", a setting nobody set, or threw a bare FormatException.
    /// It is left as it is: tokens signed with it may be in use.
    /// </summary>
    private static byte[] Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            bytes = [];
        }

        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException(
            $"The signing key in {path} is not base64 of at least 32 bytes. Delete the file for a new key "
            + "(every token issued so far stops working), or set Auth:SigningKey.");
    }
}
