-- Version 3: a batch of orders is counted into the aggregates later, in bulk. Version 2's insert
-- trigger ran four upserts (sales, days, one per buyer, the counter) inside every persister batch; it now
-- writes the batch's signed changes as one row of stats_pending, and stats_catch_up() folds pending rows
-- into the aggregates, many batches at a time (the persister calls it, OutboxPersister.CatchUpStatsAsync).
-- The triggers still fire for every write, by hand or not, so the aggregates plus what is pending always
-- equal the orders; the stats read both (the *_now views below). Cancels and deletes still apply at once:
-- every change is a sum and the unique-buyer count counts crossings of zero, so the order in which
-- changes are applied does not matter (a cancel applied before its order's pending +1 passes through -1).
CREATE TABLE stats_pending (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deltas stats_delta[] NOT NULL
);

CREATE OR REPLACE FUNCTION orders_stats_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_pending (deltas)
    SELECT d FROM (SELECT ARRAY(SELECT ROW(n.sale_id, n.user_id, n.quantity, n.quantity * n.unit_price, n.purchased_at, 1)::stats_delta
                                FROM new_rows n WHERE n.status = 0) AS d) x
    WHERE cardinality(d) > 0;
    RETURN NULL;
END $$;

-- Folds up to max_rows pending rows (oldest first) into the aggregates; returns how many. Rows another
-- catch-up holds are skipped (SKIP LOCKED), so concurrent catch-ups never count a row twice or wait.
CREATE FUNCTION stats_catch_up(max_rows integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    taken integer;
    d stats_delta[];
BEGIN
    WITH picked AS (
        DELETE FROM stats_pending WHERE id IN (
            SELECT id FROM stats_pending ORDER BY id LIMIT max_rows FOR UPDATE SKIP LOCKED)
        RETURNING deltas)
    SELECT (SELECT count(*) FROM picked),
           ARRAY(SELECT ROW(x.sale_id, x.user_id, x.quantity, x.amount, x.at, x.sign)::stats_delta
                 FROM picked p, unnest(p.deltas) x)
    INTO taken, d;
    PERFORM stats_apply(d);
    RETURN taken;
END $$;

-- The aggregates as of now: the folded totals plus what is pending.
CREATE VIEW sale_totals_now AS
SELECT sale_id, SUM(units)::bigint AS units, SUM(revenue) AS revenue, SUM(orders)::bigint AS orders,
       MAX(last_purchased_at) AS last_purchased_at
FROM (SELECT sale_id, units, revenue, orders, last_purchased_at FROM sale_totals
      UNION ALL
      SELECT x.sale_id, x.sign * x.quantity, x.sign * x.amount, x.sign, CASE WHEN x.sign > 0 THEN x.at END
      FROM stats_pending p, unnest(p.deltas) x) t
GROUP BY sale_id;

CREATE VIEW daily_totals_now AS
SELECT day, SUM(units)::bigint AS units, SUM(revenue) AS revenue, SUM(orders)::bigint AS orders
FROM (SELECT day, units, revenue, orders FROM daily_totals
      UNION ALL
      SELECT (x.at AT TIME ZONE 'UTC')::date, x.sign * x.quantity, x.sign * x.amount, x.sign
      FROM stats_pending p, unnest(p.deltas) x) t
GROUP BY day;

CREATE VIEW unique_buyers_now AS
SELECT c.unique_buyers + COALESCE((
    SELECT SUM(CASE WHEN COALESCE(b.orders, 0) <= 0 AND COALESCE(b.orders, 0) + d.change > 0 THEN 1
                    WHEN COALESCE(b.orders, 0) > 0 AND COALESCE(b.orders, 0) + d.change <= 0 THEN -1 ELSE 0 END)
    FROM (SELECT x.user_id, SUM(x.sign)::bigint AS change FROM stats_pending p, unnest(p.deltas) x GROUP BY x.user_id) d
    LEFT JOIN buyer_totals b USING (user_id)), 0)::bigint AS unique_buyers
FROM stats_counters c WHERE c.id = 1;

-- ix_orders_sale (sale_id, seq) serves the leaderboard's confirmed orders as well: cancels are rare.
DROP INDEX ix_orders_sale_confirmed;
