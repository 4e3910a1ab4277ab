//! Command-line options: one table ([`OPTIONS`]) drives parsing and the
//! `--help` text, so every option is listed with its default.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Where to listen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bind {
    /// `HOST:PORT` (IPv6 as `[::1]:8080`).
    Tcp(String),
    /// `unix:PATH`.
    Unix(PathBuf),
}

impl fmt::Display for Bind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bind::Tcp(a) => f.write_str(a),
            Bind::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// Everything the server runs with.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub bind: Bind,
    pub workers: usize,
    pub backlog: i32,
    pub max_connections: usize,
    pub max_requests: u64,
    pub head_timeout: Duration,
    pub keepalive_timeout: Duration,
    pub body_timeout: Duration,
    pub write_timeout: Duration,
    pub graceful_timeout: Duration,
    pub max_head_bytes: usize,
    pub max_target_bytes: usize,
    pub max_header_name_bytes: usize,
    pub max_header_value_bytes: usize,
    pub max_headers: usize,
    pub max_body_bytes: u64,
    pub max_form_bytes: usize,
    pub tmp_dir: PathBuf,
    pub access_log: bool,
}

/// The most header lines `--max-headers` allows (the header storage lives
/// on the worker's stack).
pub const MAX_HEADERS_LIMIT: usize = 1024;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Run(Box<Config>),
    Help,
    Version,
}

/// A command-line error: the message to print before exiting with status 2.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One option: its name, the placeholder of its value (`None` for a flag),
/// its default as shown by `--help`, and what it does.
struct Opt {
    name: &'static str,
    value: Option<&'static str>,
    default: &'static str,
    help: &'static str,
}

const OPTIONS: &[Opt] = &[
    Opt {
        name: "bind",
        value: Some("ADDR"),
        default: "127.0.0.1:8080",
        help: "where to listen: HOST:PORT (port 0 picks a free port), or unix:PATH",
    },
    Opt { name: "workers", value: Some("N"), default: "the number of CPUs", help: "worker processes" },
    Opt { name: "backlog", value: Some("N"), default: "1024", help: "listen queue length" },
    Opt {
        name: "max-connections",
        value: Some("N"),
        default: "1024",
        help: "open connections per worker; past it the worker stops accepting",
    },
    Opt {
        name: "max-requests",
        value: Some("N"),
        default: "0 (never)",
        help: "requests a worker serves before it is gracefully replaced",
    },
    Opt {
        name: "head-timeout",
        value: Some("SECS"),
        default: "10",
        help: "time to receive a whole request head (408 after it)",
    },
    Opt {
        name: "keepalive-timeout",
        value: Some("SECS"),
        default: "5",
        help: "idle time allowed between requests on a connection",
    },
    Opt {
        name: "body-timeout",
        value: Some("SECS"),
        default: "30",
        help: "longest pause while a request body arrives (408 after it)",
    },
    Opt {
        name: "write-timeout",
        value: Some("SECS"),
        default: "30",
        help: "longest pause while a client does not read its response",
    },
    Opt {
        name: "graceful-timeout",
        value: Some("SECS"),
        default: "30",
        help: "on TERM/INT/QUIT and when replacing a worker: time for requests in flight to finish",
    },
    Opt {
        name: "max-head-bytes",
        value: Some("SIZE"),
        default: "112K",
        help: "request line and headers together (431 above)",
    },
    Opt { name: "max-target-bytes", value: Some("SIZE"), default: "12K", help: "request-target length (414 above)" },
    Opt { name: "max-header-name-bytes", value: Some("SIZE"), default: "256", help: "header name length (431 above)" },
    Opt {
        name: "max-header-value-bytes",
        value: Some("SIZE"),
        default: "80K",
        help: "header value length (431 above)",
    },
    Opt {
        name: "max-headers",
        value: Some("N"),
        default: "100",
        help: "header lines per request, at most 1024 (431 above)",
    },
    Opt {
        name: "max-body-bytes",
        value: Some("SIZE"),
        default: "1G",
        help: "request body size (413 above, before the body is read when its length is known)",
    },
    Opt {
        name: "max-form-bytes",
        value: Some("SIZE"),
        default: "4M",
        help: "urlencoded form body, held in memory (413 above)",
    },
    Opt {
        name: "tmp-dir",
        value: Some("DIR"),
        default: "$TMPDIR or /tmp",
        help: "where uploaded files are streamed (a private directory is made inside)",
    },
    Opt { name: "access-log", value: None, default: "off", help: "log one line per request to stderr" },
    Opt { name: "help", value: None, default: "", help: "print this help and exit" },
    Opt { name: "version", value: None, default: "", help: "print the version and exit" },
];

/// The `--help` text.
pub fn help() -> String {
    let mut out = String::from(
        "springbok-server: the Springbok reference server, a prefork HTTP/1.1 server with a demo app\n\
         (GET / a form page, GET|POST /echo the request as JSON, GET /hello 13 bytes of text).\n\n\
         Usage: springbok-server [OPTIONS]\n\n\
         Options (SECS may have a fraction or an ms suffix; SIZE may end in K, M or G, powers of 1024):\n",
    );
    for o in OPTIONS {
        let left = match o.value {
            Some(v) => format!("--{} {v}", o.name),
            None => format!("--{}", o.name),
        };
        out.push_str(&format!("  {left:<30} {}", o.help));
        if !o.default.is_empty() {
            out.push_str(&format!(" [default: {}]", o.default));
        }
        out.push('\n');
    }
    out.push_str(
        "\nSignals to the master: TERM, INT, QUIT stop gracefully (exit 0 when every worker finished in time);\n\
         HUP replaces the workers one at a time without dropping a request.\n",
    );
    out
}

impl Config {
    /// The defaults, with `workers` workers.
    pub fn defaults(workers: usize) -> Config {
        Config {
            bind: Bind::Tcp("127.0.0.1:8080".into()),
            workers,
            backlog: 1024,
            max_connections: 1024,
            max_requests: 0,
            head_timeout: Duration::from_secs(10),
            keepalive_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            graceful_timeout: Duration::from_secs(30),
            max_head_bytes: 112 * 1024,
            max_target_bytes: 12 * 1024,
            max_header_name_bytes: 256,
            max_header_value_bytes: 80 * 1024,
            max_headers: 100,
            max_body_bytes: 1 << 30,
            max_form_bytes: 4 << 20,
            tmp_dir: std::env::temp_dir(),
            access_log: false,
        }
    }
}

/// The number of CPUs this process may run on (the default worker count).
pub fn cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Parses the command line (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, UsageError> {
    let mut config = Config::defaults(cpus());
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" {
            return Ok(Command::Help);
        }
        let Some(body) = arg.strip_prefix("--") else {
            return Err(UsageError(format!("unexpected argument {arg:?} (see --help)")));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(opt) = OPTIONS.iter().find(|o| o.name == name) else {
            return Err(UsageError(format!("unknown option --{name} (see --help)")));
        };
        let value = match (opt.value, inline) {
            (None, None) => String::new(),
            (None, Some(_)) => return Err(UsageError(format!("--{name} takes no value"))),
            (Some(_), Some(v)) => v,
            (Some(_), None) => args.next().ok_or_else(|| UsageError(format!("--{name} needs a value")))?,
        };
        let bad = |what: &str| UsageError(format!("--{name}: {what}, not {value:?}"));
        match name {
            "help" => return Ok(Command::Help),
            "version" => return Ok(Command::Version),
            "access-log" => config.access_log = true,
            "bind" => config.bind = parse_bind(&value).ok_or_else(|| bad("expected HOST:PORT or unix:PATH"))?,
            "workers" => config.workers = count(&value, 1, 4096).ok_or_else(|| bad("expected 1 to 4096"))?,
            "backlog" => config.backlog = count(&value, 1, 1 << 20).ok_or_else(|| bad("expected 1 to 1048576"))? as i32,
            "max-connections" => {
                config.max_connections = count(&value, 1, 1 << 20).ok_or_else(|| bad("expected 1 to 1048576"))?
            }
            "max-requests" => config.max_requests = value.parse().map_err(|_| bad("expected a number"))?,
            "max-headers" => {
                config.max_headers = count(&value, 1, MAX_HEADERS_LIMIT).ok_or_else(|| bad("expected 1 to 1024"))?
            }
            "head-timeout" | "keepalive-timeout" | "body-timeout" | "write-timeout" | "graceful-timeout" => {
                let d = parse_duration(&value).ok_or_else(|| bad("expected seconds (such as 10, 2.5 or 500ms)"))?;
                if d.is_zero() {
                    return Err(bad("expected more than zero"));
                }
                *match name {
                    "head-timeout" => &mut config.head_timeout,
                    "keepalive-timeout" => &mut config.keepalive_timeout,
                    "body-timeout" => &mut config.body_timeout,
                    "write-timeout" => &mut config.write_timeout,
                    _ => &mut config.graceful_timeout,
                } = d;
            }
            "max-body-bytes" => config.max_body_bytes = parse_size(&value).ok_or_else(|| bad("expected a size"))?,
            "max-head-bytes"
            | "max-target-bytes"
            | "max-header-name-bytes"
            | "max-header-value-bytes"
            | "max-form-bytes" => {
                let n = parse_size(&value)
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|&n| n > 0)
                    .ok_or_else(|| bad("expected a size above zero"))?;
                *match name {
                    "max-head-bytes" => &mut config.max_head_bytes,
                    "max-target-bytes" => &mut config.max_target_bytes,
                    "max-header-name-bytes" => &mut config.max_header_name_bytes,
                    "max-header-value-bytes" => &mut config.max_header_value_bytes,
                    _ => &mut config.max_form_bytes,
                } = n;
            }
            "tmp-dir" => {
                if value.is_empty() {
                    return Err(bad("expected a directory"));
                }
                config.tmp_dir = PathBuf::from(value);
            }
            _ => unreachable!("every option in OPTIONS has a case"),
        }
    }
    Ok(Command::Run(Box::new(config)))
}

fn parse_bind(value: &str) -> Option<Bind> {
    if let Some(path) = value.strip_prefix("unix:") {
        return (!path.is_empty()).then(|| Bind::Unix(PathBuf::from(path)));
    }
    let (host, port) = value.rsplit_once(':')?;
    (!host.is_empty() && port.parse::<u16>().is_ok()).then(|| Bind::Tcp(value.to_string()))
}

fn count(value: &str, min: usize, max: usize) -> Option<usize> {
    value.parse().ok().filter(|n| (min..=max).contains(n))
}

/// `10`, `2.5`, `500ms`, `3s`.
pub fn parse_duration(value: &str) -> Option<Duration> {
    let (number, scale) = match value.strip_suffix("ms") {
        Some(n) => (n, 1e-3),
        None => (value.strip_suffix('s').unwrap_or(value), 1.0),
    };
    let secs: f64 = number.parse().ok()?;
    (secs.is_finite() && secs >= 0.0 && secs * scale < 1e9).then(|| Duration::from_secs_f64(secs * scale))
}

/// `4096`, `64K`, `1M`, `1G` (powers of 1024).
pub fn parse_size(value: &str) -> Option<u64> {
    let (digits, shift) = match value.as_bytes().last()? {
        b'K' | b'k' => (&value[..value.len() - 1], 10),
        b'M' | b'm' => (&value[..value.len() - 1], 20),
        b'G' | b'g' => (&value[..value.len() - 1], 30),
        _ => (value, 0),
    };
    let n: u64 = digits.parse().ok()?;
    n.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, UsageError> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(c) => Ok(*c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_match_the_help_text() {
        let c = run(&[]).unwrap();
        assert_eq!(c, Config::defaults(cpus()));
        let help = help();
        assert!(help.contains("[default: 127.0.0.1:8080]"));
        assert!(help.contains("[default: 112K]"));
        assert_eq!(c.max_head_bytes as u64, parse_size("112K").unwrap());
        assert_eq!(c.max_target_bytes as u64, parse_size("12K").unwrap());
        assert_eq!(c.max_header_value_bytes as u64, parse_size("80K").unwrap());
        assert_eq!(c.max_body_bytes, parse_size("1G").unwrap());
        assert_eq!(c.max_form_bytes as u64, parse_size("4M").unwrap());
        for o in OPTIONS {
            assert!(help.contains(&format!("--{}", o.name)));
        }
    }

    #[test]
    fn both_value_forms() {
        let c = run(&["--workers", "3", "--bind=unix:/tmp/x.sock", "--head-timeout", "250ms", "--access-log"]).unwrap();
        assert_eq!(c.workers, 3);
        assert_eq!(c.bind, Bind::Unix("/tmp/x.sock".into()));
        assert_eq!(c.head_timeout, Duration::from_millis(250));
        assert!(c.access_log);
        let c = run(&["--graceful-timeout=1.5", "--max-body-bytes", "256M", "--bind", "[::1]:0"]).unwrap();
        assert_eq!(c.graceful_timeout, Duration::from_millis(1500));
        assert_eq!(c.max_body_bytes, 256 << 20);
        assert_eq!(c.bind, Bind::Tcp("[::1]:0".into()));
    }

    #[test]
    fn errors() {
        for bad in [
            &["--nope"][..],
            &["--workers"],
            &["--workers", "0"],
            &["--workers", "x"],
            &["--head-timeout", "0"],
            &["--head-timeout", "-1"],
            &["--bind", "8080"],
            &["--bind", "unix:"],
            &["--max-headers", "5000"],
            &["--access-log=yes"],
            &["--max-body-bytes", "99999999999G"],
            &["stray"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
    }
}
