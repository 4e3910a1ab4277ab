//! Response-head serialization from arbitrary status, reason and headers:
//! whatever is accepted parses back with the strict response parser into
//! exactly the lines written, the buffer and iovec forms agree, and no
//! input can smuggle an extra header line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use springbok_fuzz::take;
use springbok_parser::response_head::{ResponseHead, ResponseOptions};
use springbok_parser::{Header, ParserConfig, Status, EMPTY_HEADER};

fuzz_target!(|data: &[u8]| {
    let ([s0, s1, opts], rest) = take::<3>(data);
    let status = u16::from_le_bytes([s0, s1]) % 1100;
    // Pieces separated by 0xFF: reason, then name, value, name, value, ...
    let pieces: Vec<&[u8]> = rest.split(|&b| b == 0xff).collect();
    let reason = if opts & 1 == 0 { None } else { pieces.first().copied() };
    let headers: Vec<Header<'_>> = pieces[1.min(pieces.len())..]
        .chunks(2)
        .map(|c| Header { name: c[0], value: c.get(1).copied().unwrap_or(b"") })
        .collect();
    let options = if opts & 2 == 0 { ResponseOptions::new() } else { ResponseOptions::rack2() };
    let Ok(head) = ResponseHead::new(status, reason, &headers, &options) else { return };

    let mut buf = vec![0u8; head.encoded_len()];
    let n = head.write(&mut buf).unwrap();
    assert_eq!(n, buf.len());
    let mut iov = vec![&b""[..]; head.iovec_count()];
    let k = head.fill_iovecs(&mut iov).unwrap();
    assert_eq!(iov[..k].concat(), buf);
    assert!(head.write(&mut vec![0u8; n.saturating_sub(1)]).is_err() || n == 0);

    // The writer has no length limits (the application chose the headers);
    // parse back with none either.
    let mut unlimited = ParserConfig::new();
    unlimited.max_head_bytes = usize::MAX;
    unlimited.max_name_len = usize::MAX;
    unlimited.max_value_len = usize::MAX;
    let mut parsed = [EMPTY_HEADER; 64];
    match unlimited.parse_response(&buf, 0, &mut parsed) {
        Ok(Status::Complete(r)) => {
            assert_eq!(r.head_len, buf.len());
            assert_eq!(r.code, status);
            // Every emitted line is one of the given headers (or a piece of
            // a Rack-2 split value): nothing else appeared.
            for h in r.headers {
                assert!(headers.iter().any(|g| g.name == h.name), "unexpected header {:?}", h);
            }
        }
        Ok(Status::Partial) => panic!("serialized head is incomplete"),
        Err(e) if e.kind() == springbok_parser::ErrorKind::TooManyHeaders => {}
        Err(e) => panic!("serialized head does not parse: {e} in {:?}", String::from_utf8_lossy(&buf)),
    }
});
