-- Which of these orders the record holds, for the persister's insert (whether an entry is a redelivery). Read with a
-- snapshot of its own (plpgsql, VOLATILE), as sale_buyers_units is: the insert calls it once it holds the sale's row
-- lock. Its own snapshot, taken before the lock, missed a batch of the same entries another persister committed while
-- this one waited (a claim of a slow persister's entries, two instances under one consumer name): those orders were
-- counted twice against the stock and their buyers' limits, and refused though recorded.
-- Planned at every call (EXECUTE), never from a plan cached by the connection: plpgsql caches a query's plan per
-- connection, and a generic plan made while a new deployment's table held a few rows was a sequential scan, kept as the
-- table grew, so every batch read every order (a distributed server fell from ~8,500 to ~2,500 purchases/s within a
-- minute of a new database; PostgresOrdersPresentPlanTests).
CREATE FUNCTION orders_present(ids uuid[]) RETURNS TABLE (id uuid)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY EXECUTE 'SELECT o.id FROM orders o WHERE o.id = ANY ($1)' USING ids;
END $$;
