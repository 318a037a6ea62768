//! Drift between the structs and the migrations, by name.
