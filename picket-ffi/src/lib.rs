//! The C ABI over `picket-core` (in progress).
