-- Version 9: sale_units, each sale's confirmed units, and sale_buyer_units, each buyer's in each sale, so the persister's
-- insert refuses what would break G1 (stock) or G2 (the per-user limit) without summing orders per batch
-- (PostgresOrderRecord.InsertSql). Redis decides every purchase, but its
-- replication is asynchronous: a replica promoted after a failover (or a master killed before its replica caught up)
-- holds an older stock, older holds and older keys than the orders already recorded, and sold those units again (14
-- confirmed orders for a stock of 10 in the audit's run). The record now holds the line: the insert locks the sale's
-- count and takes entries in stream order while they fit.
-- A table of its own, not a column of sales: every batch and every cancel writes it, and a write to sales notifies
-- every instance (version 4) and waits behind a rebuild's epoch advance (FOR UPDATE of the sale's row).
CREATE TABLE sale_units (
    sale_id   uuid PRIMARY KEY REFERENCES sales (id) ON DELETE CASCADE,
    confirmed integer NOT NULL DEFAULT 0
);
INSERT INTO sale_units (sale_id, confirmed)
SELECT s.id, COALESCE((SELECT SUM(quantity) FROM orders o WHERE o.sale_id = s.id AND o.status = 0), 0)::integer
FROM sales s;

-- A buyer's row from their first confirmed order. Summing each buyer's orders per batch instead (one ix_orders_user range
-- per buyer) cost what they held: with the benchmark's limit of 1,000 a batch read hundreds of orders per buyer, and
-- distributed purchases fell from ~5,900 to ~1,100 a second (bench/run.sh, 2026-12-06 07:10).
CREATE TABLE sale_buyer_units (
    sale_id   uuid NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
    user_id   text NOT NULL,
    confirmed integer NOT NULL,
    PRIMARY KEY (sale_id, user_id)
);
INSERT INTO sale_buyer_units (sale_id, user_id, confirmed)
SELECT sale_id, user_id, SUM(quantity)::integer FROM orders WHERE status = 0 GROUP BY sale_id, user_id;

-- One row per sale, from its creation.
CREATE FUNCTION sales_units_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sale_units (sale_id) SELECT id FROM new_rows;
    RETURN NULL;
END $$;
CREATE TRIGGER sales_units_row AFTER INSERT ON sales REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sales_units_row();

-- Kept by triggers on orders, whoever writes them: the persister's batches, cancels, deletes, hand edits. One statement
-- per table per statement on orders, none for one that changes no confirmed units. The sale's count is written before
-- the buyers': a cancel waiting for a batch's lock on the sale's count then holds no buyer's row meanwhile.
-- Adds each change to its buyer's count, a row made at the first.
CREATE TYPE buyer_units_change AS (sale_id uuid, user_id text, units bigint);
CREATE FUNCTION buyer_units_add(changes buyer_units_change[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO sale_buyer_units AS b (sale_id, user_id, confirmed)
    SELECT c.sale_id, c.user_id, c.units::integer FROM unnest(changes) AS c
    ON CONFLICT (sale_id, user_id) DO UPDATE SET confirmed = b.confirmed + EXCLUDED.confirmed;
$$;

CREATE FUNCTION orders_units_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units u SET confirmed = u.confirmed + n.units
    FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM new_rows WHERE status = 0 GROUP BY sale_id) n
    WHERE u.sale_id = n.sale_id;
    PERFORM buyer_units_add(ARRAY(SELECT ROW(sale_id, user_id, SUM(quantity))::buyer_units_change
                                  FROM new_rows WHERE status = 0 GROUP BY sale_id, user_id));
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units u SET confirmed = u.confirmed + c.units
    FROM (SELECT sale_id, SUM(units)::integer AS units
          FROM (SELECT sale_id, quantity AS units FROM new_rows WHERE status = 0
                UNION ALL
                SELECT sale_id, -quantity FROM old_rows WHERE status = 0) x
          GROUP BY sale_id HAVING SUM(units) <> 0) c
    WHERE u.sale_id = c.sale_id;
    PERFORM buyer_units_add(ARRAY(
        SELECT ROW(sale_id, user_id, SUM(units))::buyer_units_change
        FROM (SELECT sale_id, user_id, quantity AS units FROM new_rows WHERE status = 0
              UNION ALL
              SELECT sale_id, user_id, -quantity FROM old_rows WHERE status = 0) x
        GROUP BY sale_id, user_id HAVING SUM(units) <> 0));
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units u SET confirmed = u.confirmed - o.units
    FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM old_rows WHERE status = 0 GROUP BY sale_id) o
    WHERE u.sale_id = o.sale_id;
    PERFORM buyer_units_add(ARRAY(SELECT ROW(sale_id, user_id, -SUM(quantity))::buyer_units_change
                                  FROM old_rows WHERE status = 0 GROUP BY sale_id, user_id));
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sale_units SET confirmed = 0 WHERE confirmed <> 0;
    DELETE FROM sale_buyer_units;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_units_inserted AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_units_inserted();
CREATE TRIGGER orders_units_updated AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_units_updated();
CREATE TRIGGER orders_units_deleted AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_units_deleted();
CREATE TRIGGER orders_units_truncated AFTER TRUNCATE ON orders
    FOR EACH STATEMENT EXECUTE FUNCTION orders_units_truncated();

-- The confirmed units of each of these buyers in the sale, for the persister's insert (its G2 check). Read with a
-- snapshot of their own (plpgsql, VOLATILE): the insert calls it once it holds the sale's row lock, so it sees every
-- batch of the sale committed before; the insert's own snapshot was taken before the lock, and missed a batch another
-- instance committed while this one waited for it. One primary-key lookup (sale_buyer_units) per buyer.
CREATE FUNCTION sale_buyers_units(sale uuid, buyers text[]) RETURNS TABLE (buyer text, units bigint)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN QUERY
    SELECT b.u, COALESCE((SELECT s.confirmed FROM sale_buyer_units s WHERE s.sale_id = $1 AND s.user_id = b.u), 0)::bigint
    FROM unnest($2) AS b(u);
END $$;
