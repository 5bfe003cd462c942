use std::process::ExitCode;

fn main() -> ExitCode {
    apigen::cli::main()
}
