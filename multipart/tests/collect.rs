//! The convenience collector: fields in memory (bounded), files to a sink.

use std::io;

use springbok_multipart::collect::{CollectError, Collector, Field};
use springbok_multipart::{collect, Builder, ErrorKind, FileSink, Limits, Part};

#[test]
fn fields_and_files_in_order() {
    let mut b = Builder::new(b"zz").unwrap();
    b.field(b"a", b"1").unwrap();
    b.file(b"f1", b"one.txt", Some(b"text/plain"), b"first").unwrap();
    b.field(b"a", b"2").unwrap();
    b.file(b"f2", b"", None, b"").unwrap();
    let body = b.finish();
    for chunk in [1, 5, body.len()] {
        let mut c = Collector::new(b"zz", Limits::default(), 1024, Vec::<Vec<u8>>::new()).unwrap();
        for piece in body.chunks(chunk) {
            c.feed(piece).unwrap();
        }
        let (form, files) = c.finish().unwrap();
        assert_eq!(
            form.fields,
            vec![
                Field { name: b"a".to_vec(), value: b"1".to_vec(), content_type: None },
                Field { name: b"a".to_vec(), value: b"2".to_vec(), content_type: None },
            ]
        );
        assert_eq!(form.files.len(), 2);
        assert_eq!(form.files[0].filename.as_deref(), Some(&b"one.txt"[..]));
        assert_eq!(form.files[0].content_type.as_deref(), Some(&b"text/plain"[..]));
        assert_eq!(form.files[0].size, 5);
        assert_eq!(form.files[1].filename.as_deref(), Some(&b""[..]));
        assert_eq!(files, vec![b"first".to_vec(), Vec::new()]);
    }
}

#[test]
fn field_memory_is_bounded() {
    let mut b = Builder::new(b"zz").unwrap();
    for _ in 0..10 {
        b.field(b"name", b"0123456789").unwrap();
    }
    let body = b.finish();
    // 10 fields of 4 + 10 bytes = 140 bytes.
    let c = |max| {
        let mut c = Collector::new(b"zz", Limits::default(), max, Vec::<Vec<u8>>::new()).unwrap();
        c.feed(&body).and_then(|()| c.finish().map(|_| ()))
    };
    assert!(c(140).is_ok());
    assert!(matches!(c(139), Err(CollectError::FieldsTooLarge)));
}

#[test]
fn parts_need_a_form_data_name() {
    for body in [
        &b"--zz\r\n\r\nx\r\n--zz--"[..],
        b"--zz\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--zz--",
        b"--zz\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--zz--",
    ] {
        let r = collect(body, b"zz", Limits::default(), Vec::<Vec<u8>>::new());
        assert!(matches!(r, Err(CollectError::MissingName { part: 0 })), "{r:?}");
    }
}

#[test]
fn parse_errors_and_truncation_surface() {
    let r = collect(
        &b"--zz\r\nContent-Disposition: form-data; name=a\r\n\r\nx"[..],
        b"zz",
        Limits::default(),
        Vec::<Vec<u8>>::new(),
    );
    assert!(matches!(r, Err(CollectError::Parse(e)) if e.kind() == ErrorKind::Truncated));
}

/// A sink that fails after `budget` bytes, like a full disk.
struct Failing {
    budget: usize,
    opened: usize,
    closed: usize,
}

impl FileSink for Failing {
    fn open(&mut self, part: &Part<'_>) -> io::Result<()> {
        assert!(part.is_file());
        self.opened += 1;
        Ok(())
    }
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.budget = self.budget.checked_sub(data.len()).ok_or_else(|| io::Error::other("disk full"))?;
        Ok(())
    }
    fn close(&mut self) -> io::Result<()> {
        self.closed += 1;
        Ok(())
    }
}

#[test]
fn sink_is_driven_and_its_errors_surface() {
    let mut b = Builder::new(b"zz").unwrap();
    b.file(b"f", b"a", None, b"12345").unwrap();
    b.file(b"g", b"b", None, b"678").unwrap();
    let body = b.finish();
    let (_, sink) = collect(&body[..], b"zz", Limits::default(), Failing { budget: 8, opened: 0, closed: 0 }).unwrap();
    assert_eq!((sink.opened, sink.closed, sink.budget), (2, 2, 0));
    let r = collect(&body[..], b"zz", Limits::default(), Failing { budget: 7, opened: 0, closed: 0 });
    assert!(matches!(r, Err(CollectError::Sink(_))));
}

#[test]
fn builder_refuses_what_the_parser_would_refuse() {
    // A control byte in a name, a filename or a Content-Type used to pass
    // (only CR, LF and NUL were refused) and gave a body that its own
    // parser rejects ("invalid header value"); the multipart_build fuzz
    // target found it with a name holding 0x02.
    for bad in [&b"a\x02b"[..], b"a\x7fb", b"\x1b"] {
        let mut b = Builder::new(b"zz").unwrap();
        assert_eq!(b.field(bad, b"v").err(), Some(springbok_multipart::BuildError::InvalidHeader), "{bad:?}");
        assert!(b.file(b"n", bad, None, b"v").is_err());
        assert!(b.file(b"n", b"f", Some(bad), b"v").is_err());
    }
    // HTAB, obs-text and escaped CR/LF/quote are fine, and collect back.
    let mut b = Builder::new(b"zz").unwrap();
    b.field(b"t\tab \xc3\xa9 \"q\"\r\n", b"v").unwrap();
    let body = b.finish();
    let (form, _) = collect(&body[..], b"zz", Limits::default(), Vec::<Vec<u8>>::new()).unwrap();
    assert_eq!(form.fields[0].name, b"t\tab \xc3\xa9 \"q\"\r\n");
}
