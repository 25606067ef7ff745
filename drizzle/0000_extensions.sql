-- Custom migration: extensions needed by later indexes (pg_trgm for the customer search box).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
