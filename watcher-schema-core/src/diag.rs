//! Error collection for the struct parser and the drift message catalogue.
