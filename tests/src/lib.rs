//! A throwaway PostgreSQL for tests: one fresh database per test.
