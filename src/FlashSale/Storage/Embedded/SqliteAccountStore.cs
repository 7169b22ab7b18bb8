using FlashSale.Accounts;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

public sealed class SqliteAccountStore(SqliteDatabase db) : IAccountStore
{
    public Task<bool> TryCreateAsync(Account account, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO accounts (id, username, password_hash, role, created_at)
            VALUES ($id, $username, $hash, $role, $created)
            """;
        Add(command, "$id", Id(account.Id));
        Add(command, "$username", account.Username);
        Add(command, "$hash", account.PasswordHash);
        Add(command, "$role", account.Role);
        Add(command, "$created", ToMs(account.CreatedAt));
        try
        {
            command.ExecuteNonQuery();
            return Task.FromResult(true);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19 /* SQLITE_CONSTRAINT */)
        {
            return Task.FromResult(false);
        }
    }

    public Task<Account?> FindByUsernameAsync(string username, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, username, password_hash, role, created_at FROM accounts WHERE username = $username";
        Add(command, "$username", username);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read()
            ? new Account(SqliteValues.Guid(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                FromMs(reader.GetInt64(4)))
            : null);
    }

    public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE accounts SET password_hash = $hash WHERE id = $id";
        Add(command, "$id", Id(id));
        Add(command, "$hash", passwordHash);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }
}
