"""The Rust benches' inputs (benches/src/lib.rs), byte for byte:
picohttpparser's bench.c request and the realistic header-count suite.
tests/bench_inputs.rs checks these against the Rust generator."""

#: picohttpparser's bench.c request: 703 bytes, 9 headers.
PICO_BENCH_REQUEST = (
    b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    b"Host: www.kittyhell.com\r\n"
    b"User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 "
    b"Firefox/3.6.3 Pathtraq/0.9\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    b"Accept-Encoding: gzip,deflate\r\n"
    b"Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    b"Keep-Alive: 115\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    b"__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    b"__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n"
    b"\r\n"
)

#: Header counts of the realistic header-count suite.
HEADER_COUNTS = (0, 1, 2, 4, 10, 20, 50, 100)

_REALISTIC = (
    "Host: www.example.com",
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language: en-US,en;q=0.5",
    "Accept-Encoding: gzip, deflate, br, zstd",
    "Connection: keep-alive",
    "Upgrade-Insecure-Requests: 1",
    "Sec-Fetch-Dest: document",
    "Sec-Fetch-Mode: navigate",
    "Sec-Fetch-Site: none",
    "Sec-Fetch-User: ?1",
    "Priority: u=0, i",
    "Cookie: session=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes",
    "Cache-Control: max-age=0",
    "X-Forwarded-For: 203.0.113.195, 70.41.3.18, 150.172.238.178",
    "X-Forwarded-Proto: https",
    "X-Real-IP: 203.0.113.195",
    "Referer: https://www.example.com/articles/2024/05/springbok-migration.html",
    "If-None-Match: \"33a64df551425fcc55e4d42a148795d9f25f89d4\"",
    "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT",
)


def realistic_request(n):
    """A realistic GET with `n` headers: a browser's behind a proxy, then
    tracing-style custom headers."""
    out = [b"GET /articles/2024/05/springbok-migration.html?ref=home&utm_source=feed HTTP/1.1\r\n"]
    for i in range(n):
        if i < len(_REALISTIC):
            line = _REALISTIC[i]
        else:
            line = f"X-Custom-Header-{i}: v{i}-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
        out.append(line.encode() + b"\r\n")
    out.append(b"\r\n")
    return b"".join(out)


if __name__ == "__main__":
    # Writes every input to a directory, for the Rust-side comparison.
    import sys
    from pathlib import Path

    d = Path(sys.argv[1])
    d.mkdir(parents=True, exist_ok=True)
    (d / "pico_bench.http").write_bytes(PICO_BENCH_REQUEST)
    for n in HEADER_COUNTS:
        (d / f"realistic_{n}.http").write_bytes(realistic_request(n))
