use std::process::ExitCode;

// As in the compiled mocks (`apigen mock` under load), and for `generate`'s many small
// allocations.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    apigen::cli::main()
}
