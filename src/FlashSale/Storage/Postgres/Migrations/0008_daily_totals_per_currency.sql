-- Version 8: the day totals are kept per currency, so no figure of the stats adds two currencies together
-- (docs/api.md, "Stats"). A change's currency is its sale's (orders.sale_id references sales, and a sale's
-- currency cannot change once it has an order), so stats_delta needs no new attribute. The table is rebuilt
-- from the confirmed orders less what is still pending, which the *_now view adds back.
DROP VIEW daily_totals_now;
DROP TABLE daily_totals;
CREATE TABLE daily_totals (
    day               date NOT NULL,              -- UTC day of purchased_at
    currency          text NOT NULL,              -- the sale's ISO 4217 code
    units             bigint NOT NULL,
    revenue           numeric(18,2) NOT NULL,
    orders            bigint NOT NULL,
    PRIMARY KEY (day, currency)
);

INSERT INTO daily_totals (day, currency, units, revenue, orders)
SELECT day, currency, SUM(units), SUM(revenue), SUM(orders)
FROM (SELECT (purchased_at AT TIME ZONE 'UTC')::date AS day, currency, quantity::bigint AS units,
             quantity * unit_price AS revenue, 1::bigint AS orders
      FROM orders WHERE status = 0
      UNION ALL
      SELECT (x.at AT TIME ZONE 'UTC')::date, s.currency, -x.sign * x.quantity, -x.sign * x.amount, -x.sign
      FROM stats_pending p CROSS JOIN LATERAL unnest(p.deltas) x JOIN sales s ON s.id = x.sale_id) t
GROUP BY day, currency
ORDER BY day, currency;

CREATE OR REPLACE FUNCTION stats_apply(d stats_delta[]) RETURNS void LANGUAGE plpgsql AS $$
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

    INSERT INTO daily_totals AS t (day, currency, units, revenue, orders)
        SELECT (x.at AT TIME ZONE 'UTC')::date, s.currency, SUM(x.sign * x.quantity), SUM(x.sign * x.amount), SUM(x.sign)
        FROM unnest(d) x JOIN sales s ON s.id = x.sale_id GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (day, currency) DO UPDATE SET units = t.units + excluded.units, revenue = t.revenue + excluded.revenue,
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

CREATE VIEW daily_totals_now AS
SELECT day, currency, SUM(units)::bigint AS units, SUM(revenue) AS revenue, SUM(orders)::bigint AS orders
FROM (SELECT day, currency, units, revenue, orders FROM daily_totals
      UNION ALL
      SELECT (x.at AT TIME ZONE 'UTC')::date, s.currency, x.sign * x.quantity, x.sign * x.amount, x.sign
      FROM stats_pending p CROSS JOIN LATERAL unnest(p.deltas) x JOIN sales s ON s.id = x.sale_id) t
GROUP BY day, currency;
