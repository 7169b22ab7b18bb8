using FlashSale.Accounts;
using Microsoft.Data.Sqlite;
using static FlashSale.Storage.Embedded.SqliteValues;

namespace FlashSale.Storage.Embedded;

public sealed class SqliteAccountStore(SqliteDatabase db) : IAccountStore
{
    private const string Columns = "id, username, password_hash, role, created_at, credential_stamp";

    public Task<bool> TryCreateAsync(Account account, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO accounts (id, username, password_hash, role, created_at, credential_stamp)
            VALUES ($id, $username, $hash, $role, $created, $stamp)
            """;
        Add(command, "$id", Id(account.Id));
        Add(command, "$username", account.Username);
        Add(command, "$hash", account.PasswordHash);
        Add(command, "$role", account.Role);
        Add(command, "$created", ToMs(account.CreatedAt));
        Add(command, "$stamp", account.CredentialStamp);
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
        command.CommandText = $"SELECT {Columns} FROM accounts WHERE username = $username";
        Add(command, "$username", username);
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? Read(reader) : null);
    }

    public Task<string?> FindCredentialStampAsync(Guid id, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT credential_stamp FROM accounts WHERE id = $id";
        Add(command, "$id", Id(id));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<IReadOnlyList<Account>> FindNonBuyersAsync(CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        // The condition as the partial index ix_accounts_non_buyers states it, so SQLite uses the index.
        command.CommandText = $"SELECT {Columns} FROM accounts WHERE role <> 'buyer'";
        using var reader = command.ExecuteReader();
        var accounts = new List<Account>();
        while (reader.Read())
        {
            accounts.Add(Read(reader));
        }

        return Task.FromResult<IReadOnlyList<Account>>(accounts);
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

    public Task ChangePasswordAsync(Guid id, string passwordHash, string credentialStamp, CancellationToken ct) =>
        SetWithNewStampAsync("password_hash", id, passwordHash, credentialStamp);

    public Task ChangeRoleAsync(Guid id, string role, string credentialStamp, CancellationToken ct) =>
        SetWithNewStampAsync("role", id, role, credentialStamp);

    /// <summary>A credential change: the column and the stamp in one write, so no token outlives the change unrevoked.</summary>
    private Task SetWithNewStampAsync(string column, Guid id, string value, string credentialStamp)
    {
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        // column is one of this class's own constants, never input.
        command.CommandText = $"UPDATE accounts SET {column} = $value, credential_stamp = $stamp WHERE id = $id";
        Add(command, "$id", Id(id));
        Add(command, "$value", value);
        Add(command, "$stamp", credentialStamp);
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    private static Account Read(SqliteDataReader reader) =>
        new(SqliteValues.Guid(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), FromMs(reader.GetInt64(4)),
            reader.GetString(5));
}
