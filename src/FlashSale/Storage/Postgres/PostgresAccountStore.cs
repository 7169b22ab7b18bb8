using FlashSale.Accounts;

namespace FlashSale.Storage.Postgres;

public sealed class PostgresAccountStore(PostgresRequests db) : IAccountStore
{
    public async Task<bool> TryCreateAsync(Account account, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO accounts (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(account.Id);
        command.Parameters.AddWithValue(account.Username);
        command.Parameters.AddWithValue(account.PasswordHash);
        command.Parameters.AddWithValue(account.Role);
        command.Parameters.AddWithValue(account.CreatedAt.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<Account?> FindByUsernameAsync(string username, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT id, username, password_hash, role, created_at FROM accounts WHERE lower(username) = lower($1)");
        command.Parameters.AddWithValue(username);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Account(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), PgValues.Time(reader, 4))
            : null;
    }

    public async Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE accounts SET password_hash = $2 WHERE id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(passwordHash);
        await command.ExecuteNonQueryAsync(ct);
    }
}
