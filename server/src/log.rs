//! Logging to stderr, one line per event, for a supervisor to collect:
//! `2026-12-07T10:00:00Z springbok-server[1234] worker 1: message`.

use std::io::Write;
use std::sync::Mutex;

use crate::clock;

/// Who is logging: `master` or `worker N`. Set once per process (after a
/// fork the child replaces it).
static ROLE: Mutex<String> = Mutex::new(String::new());

/// Names this process in every later log line.
pub fn set_role(role: String) {
    *ROLE.lock().unwrap_or_else(|e| e.into_inner()) = role;
}

/// Writes one log line (one `write` call, so lines of different processes
/// do not interleave).
pub fn line(message: std::fmt::Arguments<'_>) {
    let role = ROLE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let text = format!(
        "{} springbok-server[{}] {}: {}\n",
        clock::rfc3339(clock::unix_now()),
        std::process::id(),
        if role.is_empty() { "master" } else { &role },
        message
    );
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `log!("format", args…)`: one line on stderr.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::line(format_args!($($arg)*))
    };
}
