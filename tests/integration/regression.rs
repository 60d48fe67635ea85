//! One test per bug fixed, named after what broke.
