//! The Springbok reference server (the `springbok-server` binary) as a
//! library: [`run`] is its command line. The modules are private; with the
//! `fuzzing` feature, [`fuzzing`] drives one connection from bytes, with no
//! socket, for the fuzz targets (fuzz/fuzz_targets/server.rs). That module
//! is not a stable interface. See the crate's README for the process model,
//! the options and deployment.

mod app;
mod clock;
mod config;
mod conn;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod json;
mod log;
mod master;
mod net;
mod output;
mod sys;
mod tmp;
mod worker;

use config::Command;

/// Runs the server with the command-line arguments `args` (without the
/// program name); returns the process exit status.
pub fn run<I: IntoIterator<Item = String>>(args: I) -> i32 {
    match config::parse(args) {
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
    }
}
