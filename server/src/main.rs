use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    server::telemetry::init(&cli.config.log_format);
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("latchkey: {e}");
            ExitCode::FAILURE
        }
    }
}
