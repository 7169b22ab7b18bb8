using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FlashSale.Storage.Embedded;

/// <summary>
/// Opens connections to the embedded database and keeps its schema current. It holds the data folder's lock
/// (<see cref="DataFolderLock"/>) from its construction, before any connection, until it is disposed or the process ends.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly DataFolderLock _folderLock;

    public SqliteDatabase(IOptions<StorageOptions> options)
    {
        var folder = Path.GetFullPath(options.Value.DataPath);
        _folderLock = DataFolderLock.Take(folder);
        FilePath = Path.Combine(folder, "flashsale.db");
        DataFolder.KeepDatabasePrivate(FilePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>The sales read from this file, until one is written (<see cref="SaleRowCache"/>).</summary>
    internal SaleRowCache SaleRows { get; } = new();

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // busy_timeout: the group committer and the occasional admin write share one file.
        Execute(connection, "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>
    /// WAL with synchronous=FULL: a commit is on disk (fsync) before it returns (G3). The writer does
    /// not re-check that an order's sale exists (foreign_keys off here only): it writes orders for sales
    /// in the ledger's books, and a sale leaves the books before it can be deleted (withdrawn unsold,
    /// <see cref="EmbeddedLedger.TryWithdrawSaleAsync"/>), so the check was a lookup per durable
    /// purchase that could never fail. Every other connection keeps enforcing the constraint.
    /// </summary>
    public SqliteConnection OpenWriter()
    {
        var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;");
        return connection;
    }

    public void Migrate()
    {
        using var connection = OpenWriter();
        SqliteMigrations.Apply(connection);
    }

    /// <summary>Lets the data folder go: another server may open it now (an in-process restart's second host).</summary>
    public void Dispose() => _folderLock.Dispose();

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
