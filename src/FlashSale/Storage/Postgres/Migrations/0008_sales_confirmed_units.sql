-- Version 8: sales.confirmed_units, the sale's confirmed units, so the persister's insert refuses what would break G1
-- (stock) without summing the sale's orders per batch (PostgresOrderRecord.InsertSql). Redis decides every purchase,
-- but its replication is asynchronous: a replica promoted after a failover (or a master killed before its replica
-- caught up) holds an older stock, older holds and older keys than the orders already recorded, and sold those units
-- again (14 confirmed orders for a stock of 10 in the audit's run). The record now holds the line: the sale's row,
-- locked by every insert, carries the count, and the insert takes entries in stream order while they fit.
ALTER TABLE sales ADD COLUMN confirmed_units integer NOT NULL DEFAULT 0;
UPDATE sales s SET confirmed_units = o.units
FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM orders WHERE status = 0 GROUP BY sale_id) o
WHERE s.id = o.sale_id;

-- Kept by triggers on orders, whoever writes them: the persister's batches, cancels, deletes, hand edits. One UPDATE
-- of the sale's row per statement (the persister's insert already holds that row's lock), none for a statement that
-- changes no confirmed units.
CREATE FUNCTION orders_units_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales s SET confirmed_units = s.confirmed_units + n.units
    FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM new_rows WHERE status = 0 GROUP BY sale_id) n
    WHERE s.id = n.sale_id;
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales s SET confirmed_units = s.confirmed_units + c.units
    FROM (SELECT sale_id, SUM(units)::integer AS units
          FROM (SELECT sale_id, quantity AS units FROM new_rows WHERE status = 0
                UNION ALL
                SELECT sale_id, -quantity FROM old_rows WHERE status = 0) x
          GROUP BY sale_id HAVING SUM(units) <> 0
          ORDER BY sale_id) c
    WHERE s.id = c.sale_id;
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales s SET confirmed_units = s.confirmed_units - o.units
    FROM (SELECT sale_id, SUM(quantity)::integer AS units FROM old_rows WHERE status = 0 GROUP BY sale_id) o
    WHERE s.id = o.sale_id;
    RETURN NULL;
END $$;

CREATE FUNCTION orders_units_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE sales SET confirmed_units = 0 WHERE confirmed_units <> 0;
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

-- The count is not a change to the sale (version 4's notice): every persister batch writes it, and the instances
-- forgot every remembered sale for each one. A write of any other column notifies as before; a column added to sales
-- later must be added to this list.
DROP TRIGGER sales_changed_notice ON sales;
CREATE TRIGGER sales_changed_notice
    AFTER INSERT OR DELETE OR TRUNCATE ON sales
    FOR EACH STATEMENT EXECUTE FUNCTION sales_changed_notice();
CREATE TRIGGER sales_changed_notice_update
    AFTER UPDATE OF id, sku, product_name, description, price, currency, image_url, total_stock, per_user_limit,
                    starts_at, ends_at, created_at, ledger_epoch ON sales
    FOR EACH STATEMENT EXECUTE FUNCTION sales_changed_notice();
