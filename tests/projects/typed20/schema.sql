CREATE TABLE accounts (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    currency varchar(3) NOT NULL DEFAULT 'EUR'
);
CREATE TABLE invoices (
    id serial PRIMARY KEY,
    account_id integer NOT NULL REFERENCES accounts (id),
    total numeric(12, 2) NOT NULL,
    note text,
    issued_at timestamp without time zone NOT NULL DEFAULT now(),
    paid_at timestamp without time zone
);
CREATE INDEX ix_invoices_unpaid ON invoices (account_id) WHERE paid_at IS NULL;
CREATE TABLE audit_log (
    id serial PRIMARY KEY,
    message text NOT NULL
);
