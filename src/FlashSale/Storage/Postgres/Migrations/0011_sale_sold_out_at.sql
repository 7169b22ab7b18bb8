-- Version 11: the first moment each sale sold out (docs/api.md, "Stats"), kept in sale_units where the insert trigger
-- counts the sale's confirmed units as the persister's batch is recorded: the purchase (purchased_at) of the order that
-- brought them to the stock, set once and never moved by a cancel. The stats showed the last purchase until 2026-12-07:
-- after a cancel and a re-sale, a sale that sold out in 4 s read 1 min 52 s. Not in stats_apply: the stats fold every 16
-- batches, and a sum of signed changes applied out of order (a cancel at once, its order's +1 later) cannot tell which
-- order reached the stock.
ALTER TABLE sale_units ADD COLUMN sold_out_at timestamptz;   -- null: never sold out

-- The orders already recorded: their purchases and cancels (cancelled_at) replayed in time order, the first purchase
-- after which the sale's confirmed units reached its stock. Every sale sold out now has one (its units end at the stock);
-- one sold out once and not now gets its first sell-out too, shown if it sells out again. A cancelled order without a
-- cancel time (edited by hand) counts as never cancelled, and may bring the moment found early.
WITH events AS (
    SELECT sale_id, purchased_at AS at, 0 AS kind, seq, quantity AS change FROM orders
    UNION ALL
    SELECT sale_id, cancelled_at, 1, seq, -quantity FROM orders WHERE status <> 0 AND cancelled_at IS NOT NULL
),
replayed AS (
    SELECT sale_id, at, kind, SUM(change) OVER (PARTITION BY sale_id ORDER BY at, kind, seq ROWS UNBOUNDED PRECEDING) AS sold
    FROM events
),
first_sold_out AS (
    SELECT r.sale_id, MIN(r.at) AS at
    FROM replayed r JOIN sales s ON s.id = r.sale_id
    WHERE r.kind = 0 AND r.sold >= s.total_stock
    GROUP BY r.sale_id
)
UPDATE sale_units u SET sold_out_at = f.at FROM first_sold_out f WHERE u.sale_id = f.sale_id;

-- The insert trigger of version 9, which also sets sold_out_at when this statement's orders bring the sale's confirmed
-- units to its stock: the first of them (by seq, the stream's order) whose running total reaches it. Only then is the
-- new_rows subquery run; every other batch pays a primary-key read of the sale's row, which the persister's insert
-- holds locked already.
CREATE OR REPLACE FUNCTION orders_units_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units u SET confirmed = u.confirmed + n.units,
        sold_out_at = CASE
            WHEN u.sold_out_at IS NULL AND u.confirmed + n.units >= s.total_stock THEN (
                SELECT r.purchased_at
                FROM (SELECT purchased_at, seq, SUM(quantity) OVER (ORDER BY seq) AS units FROM new_rows
                      WHERE sale_id = u.sale_id AND status = 0) r
                WHERE u.confirmed + r.units >= s.total_stock
                ORDER BY r.seq LIMIT 1)
            ELSE u.sold_out_at END
    FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM new_rows WHERE status = 0 GROUP BY sale_id) n
    JOIN sales s ON s.id = n.sale_id
    WHERE u.sale_id = n.sale_id;
    PERFORM buyer_units_add(ARRAY(SELECT ROW(sale_id, user_id, SUM(quantity))::buyer_units_change
                                  FROM new_rows WHERE status = 0 GROUP BY sale_id, user_id));
    RETURN NULL;
END $$;

-- A truncate of the orders (a reset) forgets the sell-outs with the units.
CREATE OR REPLACE FUNCTION orders_units_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units SET confirmed = 0, sold_out_at = NULL WHERE confirmed <> 0 OR sold_out_at IS NOT NULL;
    DELETE FROM sale_buyer_units;
    RETURN NULL;
END $$;
