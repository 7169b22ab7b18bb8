-- Version 2: stats stay O(sales + days) however many orders there are. Aggregates are kept by
-- statement-level triggers in the same transaction as the order writes (one persister batch is one
-- statement), so they never disagree with the record, even when a row is edited by hand. Only
-- confirmed orders (status 0) count. Every change upserts in key order (sales, days, buyers, then
-- the counter), so concurrent batches queue on the rows instead of deadlocking.
CREATE TABLE sale_totals (
    sale_id           uuid PRIMARY KEY,
    units             bigint NOT NULL,
    revenue           numeric(18,2) NOT NULL,
    orders            bigint NOT NULL,
    last_purchased_at timestamptz                 -- with units = total_stock: the moment it sold out
);
CREATE TABLE daily_totals (
    day               date PRIMARY KEY,           -- UTC day of purchased_at
    units             bigint NOT NULL,
    revenue           numeric(18,2) NOT NULL,
    orders            bigint NOT NULL
);
CREATE TABLE buyer_totals (
    user_id           text PRIMARY KEY,
    orders            bigint NOT NULL
);
CREATE TABLE stats_counters (
    id                integer PRIMARY KEY CHECK (id = 1),
    unique_buyers     bigint NOT NULL
);

-- The public leaderboard: an index range scan over a sale's confirmed orders in purchase order.
CREATE INDEX ix_orders_sale_confirmed ON orders (sale_id, seq) WHERE status = 0;

-- One signed change of a confirmed order: +1 confirmed (inserted), -1 gone (cancelled, deleted).
CREATE TYPE stats_delta AS (sale_id uuid, user_id text, quantity bigint, amount numeric, at timestamptz, sign int);

CREATE FUNCTION stats_apply(d stats_delta[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    buyers_delta bigint;
BEGIN
    IF cardinality(d) IS NULL OR cardinality(d) = 0 THEN
        RETURN;
    END IF;

    INSERT INTO sale_totals AS t (sale_id, units, revenue, orders, last_purchased_at)
        SELECT x.sale_id, SUM(x.sign * x.quantity), SUM(x.sign * x.amount), SUM(x.sign), MAX(x.at) FILTER (WHERE x.sign > 0)
        FROM unnest(d) x GROUP BY x.sale_id ORDER BY x.sale_id
    ON CONFLICT (sale_id) DO UPDATE SET units = t.units + excluded.units, revenue = t.revenue + excluded.revenue,
        orders = t.orders + excluded.orders, last_purchased_at = GREATEST(t.last_purchased_at, excluded.last_purchased_at);

    INSERT INTO daily_totals AS t (day, units, revenue, orders)
        SELECT (x.at AT TIME ZONE 'UTC')::date, SUM(x.sign * x.quantity), SUM(x.sign * x.amount), SUM(x.sign)
        FROM unnest(d) x GROUP BY 1 ORDER BY 1
    ON CONFLICT (day) DO UPDATE SET units = t.units + excluded.units, revenue = t.revenue + excluded.revenue,
        orders = t.orders + excluded.orders;

    -- A buyer counts while they hold at least one confirmed order: count the crossings of zero.
    WITH delta AS (
        SELECT x.user_id, SUM(x.sign)::bigint AS change FROM unnest(d) x GROUP BY x.user_id),
    changed AS (
        INSERT INTO buyer_totals AS b (user_id, orders)
            SELECT user_id, change FROM delta ORDER BY user_id
        ON CONFLICT (user_id) DO UPDATE SET orders = b.orders + excluded.orders
        RETURNING b.user_id, b.orders)
    SELECT COALESCE(SUM(CASE WHEN c.orders > 0 AND c.orders - delta.change <= 0 THEN 1
                             WHEN c.orders <= 0 AND c.orders - delta.change > 0 THEN -1 ELSE 0 END), 0)
    INTO buyers_delta
    FROM changed c JOIN delta USING (user_id);

    IF buyers_delta <> 0 THEN
        UPDATE stats_counters SET unique_buyers = unique_buyers + buyers_delta WHERE id = 1;
    END IF;
END $$;

CREATE FUNCTION orders_stats_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_apply(ARRAY(SELECT ROW(n.sale_id, n.user_id, n.quantity, n.quantity * n.unit_price, n.purchased_at, 1)::stats_delta
                              FROM new_rows n WHERE n.status = 0));
    RETURN NULL;
END $$;

CREATE FUNCTION orders_stats_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_apply(ARRAY(
        SELECT ROW(o.sale_id, o.user_id, o.quantity, o.quantity * o.unit_price, o.purchased_at, -1)::stats_delta
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status = 0 AND n.status <> 0
        UNION ALL
        SELECT ROW(n.sale_id, n.user_id, n.quantity, n.quantity * n.unit_price, n.purchased_at, 1)::stats_delta
        FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.status <> 0 AND n.status = 0));
    RETURN NULL;
END $$;

CREATE FUNCTION orders_stats_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_apply(ARRAY(SELECT ROW(o.sale_id, o.user_id, o.quantity, o.quantity * o.unit_price, o.purchased_at, -1)::stats_delta
                              FROM old_rows o WHERE o.status = 0));
    RETURN NULL;
END $$;

CREATE TRIGGER orders_stats_inserted AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_stats_inserted();
CREATE TRIGGER orders_stats_updated AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_stats_updated();
CREATE TRIGGER orders_stats_deleted AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION orders_stats_deleted();

-- Orders recorded before this version.
INSERT INTO stats_counters (id, unique_buyers) VALUES (1, 0);
SELECT stats_apply(ARRAY(SELECT ROW(sale_id, user_id, quantity, quantity * unit_price, purchased_at, 1)::stats_delta
                         FROM orders WHERE status = 0));
