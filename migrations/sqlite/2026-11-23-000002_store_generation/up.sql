-- One row counting committed changes to anything a public representation
-- is built from. Readers compare it with the generation a cached response
-- was built at; every process and replica sees the same number.
CREATE TABLE store_generation (
    id INTEGER PRIMARY KEY NOT NULL,
    n BIGINT NOT NULL
);
INSERT INTO store_generation (id, n) VALUES (1, 0);
