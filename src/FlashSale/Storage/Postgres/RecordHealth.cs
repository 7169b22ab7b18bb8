namespace FlashSale.Storage.Postgres;

/// <summary>
/// Whether PostgreSQL answers, as the persister last saw it. While it does not, new purchase
/// attempts are refused before any decision (503): a decision nobody can record is a promise
/// the record cannot keep yet.
/// </summary>
public sealed class RecordHealth
{
    private volatile bool _down;

    public bool IsDown => _down;

    public void MarkDown() => _down = true;

    public void MarkUp() => _down = false;
}
