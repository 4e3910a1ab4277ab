//! `springbok-server`: the Springbok reference server. See the crate's
//! README for the process model, the options and deployment.

mod app;
mod clock;
mod config;
mod conn;
mod json;
mod log;
mod master;
mod net;
mod output;
mod sys;
mod tmp;
mod worker;

use config::Command;

fn main() {
    let code = match config::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", config::help());
            0
        }
        Ok(Command::Version) => {
            println!("springbok-server {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Ok(Command::Run(config)) => master::run(*config),
        Err(e) => {
            eprintln!("springbok-server: {e}");
            2
        }
    };
    std::process::exit(code);
}
