-- Version 11: the first moment each sale sold out (docs/api.md, "Stats"), kept in sale_units where the insert trigger
-- counts the sale's confirmed units as the persister's batch is recorded: the purchase (purchased_at) of the earliest
-- order whose remaining_after is 0 — the order Redis's decision gave the last unit, cancelled since or not, as the
-- embedded record keeps it — never moved by a cancel and a re-sale. The stats showed the last purchase until 2026-12-07:
-- after a cancel and a re-sale, a sale that sold out in 4 s read 1 min 52 s.
-- Not a running total of the batches' units: batches of one sale are recorded in no set order (instances' persisters
-- interleave, a crashed instance's entries are claimed 15 s later), so the order recorded last to reach the stock may
-- have been bought first. Not in stats_apply either: the stats fold every 16 batches.
-- (Rewritten on 2026-12-07, the day it was first written and before any release: the first cut took the running total
-- by seq, which depends on the order the batches are recorded in.)

-- The sell-outs already recorded, found before the column's lock is taken, so persisters of instances not yet upgraded
-- wait on sale_units only for the column and the update, not for the scan of the orders. A sell-out recorded between
-- the two is found by the trigger if its batch comes after, else the stats fall back to the last purchase.
CREATE TEMP TABLE sold_out_first ON COMMIT DROP AS
    SELECT sale_id, MIN(purchased_at) AS at FROM orders WHERE remaining_after = 0 GROUP BY sale_id;

ALTER TABLE sale_units ADD COLUMN sold_out_at timestamptz;   -- null: never sold out
UPDATE sale_units u SET sold_out_at = f.at FROM sold_out_first f WHERE u.sale_id = f.sale_id;

-- The insert trigger of version 9, which also keeps the earliest sell-out of the statement's orders (LEAST ignores a
-- null: a sale's first, or a batch without one, leaves the other). Units stay those of the confirmed orders only.
CREATE OR REPLACE FUNCTION orders_units_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units u SET confirmed = u.confirmed + n.units, sold_out_at = LEAST(u.sold_out_at, n.sold_out_at)
    FROM (SELECT sale_id, COALESCE(SUM(quantity) FILTER (WHERE status = 0), 0)::integer AS units,
                 MIN(purchased_at) FILTER (WHERE remaining_after = 0) AS sold_out_at
          FROM new_rows GROUP BY sale_id) n
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
