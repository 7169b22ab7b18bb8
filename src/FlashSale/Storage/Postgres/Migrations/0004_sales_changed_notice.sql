-- Version 4: every committed write to sales, by any instance or by hand, notifies the listeners on channel
-- flashsale_sales (SaleChangeListener), so each instance forgets the sales it remembered. One notice per statement;
-- PostgreSQL delivers it on commit only, and not at all for a rollback.
CREATE FUNCTION sales_changed_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('flashsale_sales', '');
    RETURN NULL;
END $$;

CREATE TRIGGER sales_changed_notice
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sales
    FOR EACH STATEMENT EXECUTE FUNCTION sales_changed_notice();
