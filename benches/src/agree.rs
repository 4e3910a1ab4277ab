//! The agreement checks `benches/suite` runs before it times an input: a
//! speed-up must never come from doing less, so Springbok and each peer must
//! read the same things out of it.

use crate::corpus::{Input, Kind};
use crate::{forms, httparse, pico, pico_storage, springbok, uploads, MAX_HEADERS};

/// Checks that Springbok and every Rust peer read `input` the same way:
/// for a request, the whole head and every header's name and value (from
/// httparse and picohttpparser); for a form, every decoded pair (from
/// `form_urlencoded`); for a multipart body, every part's name, filename and
/// data (from multer). The error says where they differ.
pub fn check(input: &Input) -> Result<(), String> {
    let what = &input.name;
    match input.kind {
        Kind::Request => {
            let buf = input.bytes.as_slice();
            let config = springbok_parser::ParserConfig::new();
            let mut sh = [springbok_parser::EMPTY_HEADER; MAX_HEADERS];
            let mut hh = [::httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut ph = pico_storage();
            let s = springbok(&config, buf, &mut sh);
            let (h, p) = (httparse(buf, &mut hh), pico(buf, &mut ph));
            if s.is_none() || s != h || s != p {
                return Err(format!(
                    "{what}: (head length, headers) springbok {s:?}, httparse {h:?}, picohttpparser {p:?}"
                ));
            }
            let (_, count) = s.unwrap_or_default();
            if count != input.items {
                return Err(format!("{what}: {count} headers, the corpus says {}", input.items));
            }
            for i in 0..count {
                // SAFETY: picohttpparser set these pointers into `buf`, which
                // is alive, with these lengths.
                let pico_header = unsafe {
                    (
                        core::slice::from_raw_parts(ph[i].name.cast::<u8>(), ph[i].name_len),
                        core::slice::from_raw_parts(ph[i].value.cast::<u8>(), ph[i].value_len),
                    )
                };
                let ours = (sh[i].name, sh[i].value);
                if ours != (hh[i].name.as_bytes(), hh[i].value) || ours != pico_header {
                    return Err(format!("{what}: header {i} differs"));
                }
            }
        }
        Kind::Form => {
            let ours = forms::springbok_pairs(&input.bytes, &forms::options());
            let theirs = forms::form_urlencoded_pairs(&input.bytes);
            if ours.len() != input.items || ours != theirs {
                return Err(format!(
                    "{what}: springbok {} pairs, form_urlencoded {}, or a pair differs",
                    ours.len(),
                    theirs.len()
                ));
            }
        }
        Kind::Multipart => {
            let ours = uploads::springbok_parts(&input.bytes);
            let theirs = uploads::multer_parts(&uploads::pieces(&input.bytes));
            if ours.len() != input.items || ours != theirs {
                return Err(format!(
                    "{what}: springbok {} parts, multer {}, or a part differs",
                    ours.len(),
                    theirs.len()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_input_of_the_corpus_agrees() {
        for input in crate::corpus::inputs() {
            super::check(&input).unwrap();
        }
    }

    #[test]
    fn a_changed_input_is_caught() {
        let mut input = crate::corpus::inputs().into_iter().find(|i| i.name == "headers-2").unwrap();
        input.items = 3;
        assert!(super::check(&input).is_err());
    }
}
