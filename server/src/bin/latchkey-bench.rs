//! The benchmark of the authenticated API against a bare read (see `server::bench`).

use clap::Parser;
use server::bench::{BenchArgs, run};
use server::config::Config;

/// Seeds a large tenant in LATCHKEY_DATABASE_URL (dropping what is there) and measures
/// `GET /api/svc/v1/collaborators` with a personal access token against a bare indexed read.
#[derive(Debug, Parser)]
#[command(name = "latchkey-bench")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(flatten)]
    bench: BenchArgs,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli.config, cli.bench).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("latchkey-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
