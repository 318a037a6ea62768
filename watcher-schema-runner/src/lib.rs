//! The migration runner shared by service boot and the CLI.
