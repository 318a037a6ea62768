//! `migrations/` → a validated linear chain of migrations.
