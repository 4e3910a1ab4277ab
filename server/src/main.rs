//! `springbok-server`: the Springbok reference server. See the crate's
//! README for the process model, the options and deployment.

fn main() {
    std::process::exit(springbok_server::run(std::env::args().skip(1)));
}
