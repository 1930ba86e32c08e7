#![forbid(unsafe_code)]

/// mimalloc for the program's own allocations: a request, its SQL and its rows are many
/// small short-lived allocations on several threads, where glibc's allocator spent a
/// tenth of the intake path's time (consolidating and locking its arenas).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    linli::cli::run()
}
