namespace FlashSale.Accounts;

public sealed record Account(Guid Id, string Username, string PasswordHash, string Role, DateTimeOffset CreatedAt);

public static class Roles
{
    public const string Admin = "admin";
    public const string Buyer = "buyer";
}
