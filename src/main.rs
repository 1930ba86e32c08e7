#![forbid(unsafe_code)]

/// mimalloc for every allocation, the program's and (with the `override` feature, which
/// replaces `malloc` itself) SQLite's: a request, its SQL, its rows and SQLite's pages are
/// many small short-lived allocations on several threads, where glibc's allocator spent a
/// tenth of the intake path's time consolidating and locking its arenas.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    linli::cli::run()
}
