-- The application's own first migration, as a Flyway user has it.
CREATE TABLE shop_order (id VARCHAR(100) PRIMARY KEY);
