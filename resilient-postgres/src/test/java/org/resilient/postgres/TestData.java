package org.resilient.postgres;

import org.resilient.testservers.PostgresServer;

/** The data that must survive a round trip (issue 4's list), seeded with SQL. */
final class TestData {
    /** A database name with upper case, a space and non-ASCII letters. */
    static final String TRICKY_DB = "Shop Ünïcødé";

    private TestData() {
    }

    /** Everything but the big table. */
    static void seedRich(PostgresServer server, String db) {
        server.psql(db, """
                CREATE EXTENSION pgcrypto;
                CREATE EXTENSION hstore;
                CREATE SCHEMA sales;
                CREATE SCHEMA "Größe Schema";
                CREATE SEQUENCE sales.order_no START 1000;
                SELECT count(nextval('sales.order_no')) FROM generate_series(1, 42);
                CREATE TABLE sales.customer(
                    id serial PRIMARY KEY,
                    name text NOT NULL UNIQUE,
                    tags text[],
                    attrs jsonb,
                    props hstore,
                    balance numeric(20, 6),
                    created timestamptz,
                    photo bytea,
                    token bytea);
                CREATE TABLE sales.audit(id bigserial PRIMARY KEY, customer text NOT NULL);
                CREATE FUNCTION sales.audit_customer() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO sales.audit(customer) VALUES (NEW.name);
                    RETURN NEW;
                END $$;
                CREATE TRIGGER customer_audit AFTER INSERT ON sales.customer
                    FOR EACH ROW EXECUTE FUNCTION sales.audit_customer();
                CREATE TABLE sales."Order Lines"(
                    id bigint PRIMARY KEY DEFAULT nextval('sales.order_no'),
                    customer_id int NOT NULL REFERENCES sales.customer(id) ON DELETE CASCADE,
                    "Menge" int CHECK ("Menge" > 0),
                    price numeric);
                CREATE INDEX order_lines_customer ON sales."Order Lines"(customer_id);
                CREATE INDEX customer_attrs ON sales.customer USING gin(attrs);
                INSERT INTO sales.customer(name, tags, attrs, props, balance, created, photo, token)
                    SELECT 'cust ' || g, ARRAY['a' || g, 'b', NULL], jsonb_build_object('n', g, 'deep',
                           jsonb_build_object('x', g * 2, 'ü', 'ß')), hstore('k', g::text),
                           g * 1.123456, '2024-02-29 23:59:59.123456+02'::timestamptz + g * interval '1 hour',
                           decode(md5(g::text) || '00ff', 'hex'), digest('t' || g, 'sha256')
                    FROM generate_series(1, 1000) g;
                INSERT INTO sales."Order Lines"(customer_id, "Menge", price)
                    SELECT 1 + g % 1000, 1 + g % 7, g / 3.0 FROM generate_series(1, 5000) g;
                CREATE TABLE "Größe Schema"."Ümlaut Tabelle"(schlüssel text PRIMARY KEY, wert text);
                INSERT INTO "Größe Schema"."Ümlaut Tabelle" VALUES ('Ä', 'ö'), ('日本', '中文'), ('emoji', '🐘');
                CREATE VIEW sales."Big Customers" AS
                    SELECT c.name, sum(l.price) AS total FROM sales.customer c
                    JOIN sales."Order Lines" l ON l.customer_id = c.id GROUP BY c.name HAVING sum(l.price) > 10000;
                CREATE MATERIALIZED VIEW sales.totals AS
                    SELECT customer_id, sum(price) AS total, count(*) AS n FROM sales."Order Lines" GROUP BY 1;
                CREATE UNIQUE INDEX totals_customer ON sales.totals(customer_id);
                SELECT lo_from_bytea(424242, convert_to(repeat('large object ', 20000), 'UTF8'));
                SELECT lo_from_bytea(0, decode(repeat('00ff10', 1000), 'hex'));
                """);
    }

    /** A table of a million rows. */
    static void seedBig(PostgresServer server, String db, int rows) {
        server.psql(db, "CREATE TABLE public.big(id int PRIMARY KEY, payload text NOT NULL, at timestamptz);"
                + "INSERT INTO public.big SELECT g, md5(g::text), '2020-01-01'::timestamptz + g * interval '1 second' "
                + "FROM generate_series(1, " + rows + ") g;");
    }
}
