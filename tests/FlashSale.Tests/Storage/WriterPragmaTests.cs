using FlashSale.Storage.Embedded;
using FlashSale.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Tests.Storage;

/// <summary>
/// G3 on the embedded store rests on the connection that commits orders: WAL with synchronous=FULL, so a commit is
/// fsynced before it returns. NORMAL would lose the last commits on a power cut, which no kill -9 shows; the settings
/// are asserted on the running app's group committer itself (a fresh connection has SQLite's defaults, not the app's).
/// </summary>
public sealed class WriterPragmaTests() : AdminAppTest(new TestApp())
{
    [Fact]
    public async Task TheGroupCommittersConnection_IsWal_WithSynchronousFull()
    {
        var committer = App.Services.GetRequiredService<GroupCommitter>();
        var read = new ReadPragmas();

        Assert.Equal(0, await committer.WriteAsync(read));

        Assert.Equal(2L, read.Synchronous);          // FULL (NORMAL is 1, OFF 0)
        Assert.Equal("wal", read.JournalMode);
    }

    /// <summary>A write that reads the writer connection's settings inside the batch it commits.</summary>
    private sealed class ReadPragmas : LedgerWrite
    {
        public long? Synchronous { get; private set; }

        public string? JournalMode { get; private set; }

        public override int Apply(WriterSession session)
        {
            using (var synchronous = session.CreateCommand())
            {
                synchronous.CommandText = "PRAGMA synchronous";
                Synchronous = (long?)synchronous.ExecuteScalar();
            }

            using (var journal = session.CreateCommand())
            {
                journal.CommandText = "PRAGMA journal_mode";
                JournalMode = (string?)journal.ExecuteScalar();
            }

            return 0;
        }
    }
}
