-- The project each change of the store touched, by the store version it produced (the
-- last 10,000 changes): a server replaces only those projects in its registry.
CREATE TABLE changes (
    version BIGINT PRIMARY KEY,
    project_id BIGINT NOT NULL
);
