//! `stratus`: call AWS services from the command line through stratus's
//! pipeline. See [`stratus_transport_std::cli`] for the command line.

fn main() -> std::process::ExitCode {
    stratus_transport_std::cli::main()
}
