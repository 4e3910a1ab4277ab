//! Parses one HTTP/1.1 request head from standard input (or, when standard
//! input is a terminal or empty, from a built-in sample) and prints what the
//! strict parser saw, or the error and the status code a server would send.
//!
//! ```text
//! printf 'GET /?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n' | cargo run -p springbok-parser --example parse
//! ```

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use springbok_parser::{ParserConfig, Status, EMPTY_HEADER};

const SAMPLE: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
\r\n";

fn main() -> ExitCode {
    let mut input = Vec::new();
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        if let Err(e) = stdin.lock().read_to_end(&mut input) {
            eprintln!("reading standard input: {e}");
            return ExitCode::FAILURE;
        }
    }
    if input.is_empty() {
        println!("(no input on stdin: parsing the built-in sample request)");
        input = SAMPLE.to_vec();
    }

    let mut headers = [EMPTY_HEADER; 100];
    match ParserConfig::new().parse_request(&input, 0, &mut headers) {
        Ok(Status::Complete(req)) => {
            println!("method:  {}", String::from_utf8_lossy(req.method));
            println!("target:  {}", String::from_utf8_lossy(req.target));
            println!("version: HTTP/1.{}", req.minor_version);
            for h in req.headers {
                println!("header:  {}: {}", String::from_utf8_lossy(h.name), String::from_utf8_lossy(h.value));
            }
            println!("head:    {} bytes; {} bytes follow", req.head_len, input.len() - req.head_len);
            ExitCode::SUCCESS
        }
        Ok(Status::Partial) => {
            eprintln!("incomplete head: {} bytes and no terminating empty line", input.len());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e} (a server would answer {})", e.status());
            ExitCode::FAILURE
        }
    }
}
