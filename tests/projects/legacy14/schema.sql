-- the schema as the team's deployment scripts create it (psql -f schema.sql)
CREATE TYPE ticket_status AS ENUM ('open', 'pending', 'closed');

CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    name varchar(120) NOT NULL,
    is_vip boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    subject varchar(200) NOT NULL,
    body text,
    status ticket_status NOT NULL DEFAULT 'open',
    refund numeric(10, 2) DEFAULT 0,
    opened_at timestamptz DEFAULT now()
);

CREATE INDEX ix_tickets_open_by_customer ON tickets (customer_id) WHERE status = 'open';
