-- Version 6: sales.ledger_epoch fences orders decided by a lost Redis state. A rebuild of a sale's Redis state from
-- this record (after a FLUSHALL, a restart without its AOF, a new cluster) advances it before reading the orders,
-- and writes it into the rebuilt state; every outbox entry carries the epoch it was decided under, and the persister
-- inserts only entries of the current epoch. Without it, a batch read from the outbox before the loss and committed
-- after the rebuild had read the orders was sold twice: once in the record, once again by the rebuilt stock (G1).
-- 0 for every existing sale: the epoch an entry decided by a state older than this version carries.
ALTER TABLE sales ADD COLUMN ledger_epoch bigint NOT NULL DEFAULT 0;
