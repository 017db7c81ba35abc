fn main() -> std::process::ExitCode {
    support_console::cli::main()
}
