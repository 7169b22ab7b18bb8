-- Version 7: each account's credential stamp (Accounts/CredentialStamps.cs): replaced whenever its password or role
-- changes, carried by every token and cookie, which stop working when it is no longer the account's. Every existing
-- account gets a random one, so what was issued before this version (without a stamp) is refused once. The accounts
-- that are not buyers (the admin, former admins) are found at each start by a partial index, however many buyers
-- there are.
ALTER TABLE accounts ADD COLUMN credential_stamp text;
UPDATE accounts SET credential_stamp = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE accounts ALTER COLUMN credential_stamp SET NOT NULL;
CREATE INDEX ix_accounts_non_buyers ON accounts (role) WHERE role <> 'buyer';
