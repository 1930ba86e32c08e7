#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    linli::cli::run()
}
