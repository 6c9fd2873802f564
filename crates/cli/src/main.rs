//! The `hadron` binary: a thin clap front over the Hadron libraries.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let code =
        hadron_cli::run_with(&args, hadron_cli::Terminal::detect(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
