using FlashSale.Accounts;
using Npgsql;

namespace FlashSale.Storage.Postgres;

public sealed class PostgresAccountStore(PostgresRequests db) : IAccountStore
{
    private const string Columns = "id, username, password_hash, role, created_at, credential_stamp";

    public Task<bool> TryCreateAsync(Account account, CancellationToken ct) => TryCreateCore(account, ct);

    private async Task<bool> TryCreateCore(Account account, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO accounts (id, username, password_hash, role, created_at, credential_stamp) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(account.Id);
        command.Parameters.AddWithValue(account.Username);
        command.Parameters.AddWithValue(account.PasswordHash);
        command.Parameters.AddWithValue(account.Role);
        command.Parameters.AddWithValue(account.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue(account.CredentialStamp);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct) => db.RunAsync(c => FindByUsernameCore(username, c), ct);

    private async Task<Account?> FindByUsernameCore(string username, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM accounts WHERE lower(username) = lower($1)");
        command.Parameters.AddWithValue(username);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct) => db.RunAsync(c => FindCredentialStampCore(id, c), ct);

    private async Task<string?> FindCredentialStampCore(Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT credential_stamp FROM accounts WHERE id = $1");
        command.Parameters.AddWithValue(id);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct) => db.RunAsync(FindNonBuyersCore, ct);

    private async Task<IReadOnlyList<Account>> FindNonBuyersCore(CancellationToken ct)
    {
        // The condition as the partial index ix_accounts_non_buyers states it.
        await using var command = db.CreateCommand($"SELECT {Columns} FROM accounts WHERE role <> 'buyer'");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var accounts = new List<Account>();
        while (await reader.ReadAsync(ct))
        {
            accounts.Add(Read(reader));
        }

        return accounts;
    }

    public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct) => UpdatePasswordHashCore(id, passwordHash, ct);

    private async Task UpdatePasswordHashCore(Guid id, string passwordHash, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE accounts SET password_hash = $2 WHERE id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(passwordHash);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
        SetWithNewStampAsync("password_hash", id, passwordHash, credentialStamp, ct);

    public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
        SetWithNewStampAsync("role", id, role, credentialStamp, ct);

    /// <summary>A credential change: the column and the stamp in one write, so no token outlives the change unrevoked.</summary>
    private Task SetWithNewStampAsync(string column, Guid id, string value, string credentialStamp, CancellationToken ct) => SetWithNewStampCore(column, id, value, credentialStamp, ct);

    private async Task SetWithNewStampCore(string column, Guid id, string value, string credentialStamp, CancellationToken ct)
    {
        // column is one of this class's own constants, never input.
        await using var command = db.CreateCommand($"UPDATE accounts SET {column} = $2, credential_stamp = $3 WHERE id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(value);
        command.Parameters.AddWithValue(credentialStamp);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static Account Read(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), PgValues.Time(reader, 4), reader.GetString(5));
}
