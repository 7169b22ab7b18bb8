using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Accounts;

/// <summary>
/// A token refused by this server's own checks beyond the signature and claims (<see cref="CachingTokenHandler"/>): its
/// message is the 401's detail (JwtBearer describes only the failures it knows, and said "The token is not valid.").
/// </summary>
public sealed class TokenRefusedException(string message) : SecurityTokenValidationException(message);
