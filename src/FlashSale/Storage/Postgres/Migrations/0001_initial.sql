-- Version 1: sales, orders, accounts. Uniqueness is decided by constraints, never by a lookup.
CREATE TABLE sales (
    id              uuid PRIMARY KEY,
    sku             text NOT NULL,
    product_name    text NOT NULL,
    description     text NOT NULL,
    price           numeric(12,2) NOT NULL,
    currency        text NOT NULL,
    image_url       text,
    total_stock     integer NOT NULL CHECK (total_stock >= 0),
    per_user_limit  integer NOT NULL CHECK (per_user_limit >= 1),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_sales_sku ON sales (lower(sku));

CREATE TABLE orders (
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,   -- purchase order, keyset cursor
    id              uuid PRIMARY KEY,
    sale_id         uuid NOT NULL REFERENCES sales (id),
    user_id         text NOT NULL,
    username        text NOT NULL,
    quantity        integer NOT NULL CHECK (quantity >= 1),
    unit_price      numeric(12,2) NOT NULL,
    currency        text NOT NULL,
    purchased_at    timestamptz NOT NULL,
    remaining_after integer NOT NULL,
    idempotency_key text,
    -- The sale's per-user limit was 1 when this order was decided: carried on the row because a
    -- unique index cannot look into another table.
    limit_one       boolean NOT NULL,
    status          smallint NOT NULL DEFAULT 0,                  -- 0 confirmed, 2 cancelled
    cancelled_at    timestamptz,
    cancelled_by    text
);
-- G2 backstop: one confirmed order per buyer in a limit-1 sale, whatever the ledger says.
CREATE UNIQUE INDEX ux_orders_limit_one ON orders (sale_id, user_id) WHERE limit_one AND status = 0;
-- G5 backstop: one order per (sale, buyer, key).
CREATE UNIQUE INDEX ux_orders_idempotency ON orders (sale_id, user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_orders_sale ON orders (sale_id, seq);
CREATE INDEX ix_orders_user ON orders (user_id, seq);

CREATE TABLE accounts (
    id              uuid PRIMARY KEY,
    username        text NOT NULL,
    password_hash   text NOT NULL,
    role            text NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX ux_accounts_username ON accounts (lower(username));
