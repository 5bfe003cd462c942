//! YAML 1.1 portability of written specs.
//!
//! The spec writer emits YAML 1.2 (core schema), where `2019-05-31`, `22:00:00`, `yes` and
//! `1_000` are plain strings. YAML 1.1 readers (PyYAML, many editors' tooling) resolve the
//! same plain scalars as a date, a base-60 integer (`79200`), a boolean and `1000`. This pass
//! single-quotes every plain scalar that a 1.1 reader would take for something else than a
//! 1.2 reader does, so both read the same data. It works on the emitted text (one scalar
//! per line, as block-style emitters write it), so it does not depend on the YAML library.

use regex::Regex;
use std::sync::LazyLock;

/// A plain scalar a YAML 1.1 reader resolves to a non-string (bool, null, int, float,
/// timestamp, merge or value key).
fn yaml11_non_string(s: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:",
            r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            r"|~|null|Null|NULL|<<|=",
            r"|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+",
            r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            // Floats as PyYAML reads them (the 1.1 spec's own regex would take `1.0.0`).
            r"|[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
            r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?",
            r")$"
        ))
        .unwrap()
    });
    RE.is_match(s)
}

/// A plain scalar a YAML 1.2 core-schema reader resolves to a non-string: such a scalar
/// was written as a number, boolean or null on purpose and stays plain.
fn yaml12_non_string(s: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE",
            r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
            r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?",
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ))
        .unwrap()
    });
    RE.is_match(s)
}

/// Whether a plain scalar must be quoted to read the same under YAML 1.1.
pub fn needs_quotes(plain: &str) -> bool {
    yaml11_non_string(plain) && !yaml12_non_string(plain)
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Quote the plain scalars of block-style YAML text that YAML 1.1 readers misread.
/// Content of block scalars (`|`, `>`) is left alone.
pub fn quote_ambiguous(yaml: &str) -> String {
    let mut out = String::with_capacity(yaml.len() + 64);
    // Column a block scalar's content lines are deeper than, while inside one.
    let mut block_parent: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let eol = &line[body.len()..];
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(col) = block_parent {
            if body.trim().is_empty() || indent > col {
                out.push_str(line);
                continue;
            }
            block_parent = None;
        }
        // Sequence dashes, then `key: value` or a bare value.
        let mut pos = indent;
        while body[pos..].starts_with("- ") {
            pos += 2;
        }
        let col = pos;
        let rest = &body[pos..];
        if rest.starts_with('#') || rest.is_empty() || rest == "-" {
            out.push_str(line);
            continue;
        }
        let mut new = String::from(&body[..pos]);
        let keyed = split_key(rest);
        let value = match keyed {
            Some((key, value)) => {
                if !key.starts_with(['\'', '"']) && needs_quotes(key) {
                    new.push_str(&quoted(key));
                } else {
                    new.push_str(key);
                }
                new.push(':');
                if value.is_empty() {
                    out.push_str(&new);
                    out.push_str(eol);
                    continue;
                }
                new.push(' ');
                value
            }
            None => rest,
        };
        if value.starts_with(['|', '>']) {
            // Content is deeper than the key, or than the dash of a bare list item.
            block_parent = Some(match keyed {
                Some(_) => col,
                None => col.saturating_sub(2).max(indent),
            });
            new.push_str(value);
        } else if !value.starts_with(['\'', '"', '[', '{']) && needs_quotes(value) {
            new.push_str(&quoted(value));
        } else {
            new.push_str(value);
        }
        out.push_str(&new);
        out.push_str(eol);
    }
    out
}

/// Split `key: value` (or `key:` at the end of a line) at the key's colon; `None` for a
/// bare scalar. Quoted keys may hold `: `.
fn split_key(rest: &str) -> Option<(&str, &str)> {
    let key_end = if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let mut i = 1;
        let b = rest.as_bytes();
        loop {
            let j = rest[i..].find(q)? + i;
            if q == '\'' && b.get(j + 1) == Some(&b'\'') {
                i = j + 2;
                continue;
            }
            if q == '"' && b[j - 1] == b'\\' && !rest[..j].ends_with("\\\\") {
                i = j + 1;
                continue;
            }
            break j + 1;
        }
    } else {
        match rest.find(": ") {
            Some(p) => p,
            None if rest.ends_with(':') => rest.len() - 1,
            None => return None,
        }
    };
    let after = &rest[key_end..];
    if after == ":" {
        return Some((&rest[..key_end], ""));
    }
    after.strip_prefix(": ").map(|v| (&rest[..key_end], v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_lookalikes_are_quoted() {
        // Values from the specs (MSE `Version` enum, DMS maintenance windows, retailcloud
        // `EcsExpiredTime`, CSE `time`) that PyYAML read as dates and base-60 integers.
        let text = "a:\n  - value: 2019-05-31\n    maintain_begin: 22:00:00\n  time: 13:00\n  \
                    x: yes\n  n: 1_000\n  - 2099-12-31\n";
        assert_eq!(
            quote_ambiguous(text),
            "a:\n  - value: '2019-05-31'\n    maintain_begin: '22:00:00'\n  time: '13:00'\n  \
             x: 'yes'\n  'n': '1_000'\n  - '2099-12-31'\n"
        );
    }

    #[test]
    fn numbers_and_strings_stay_as_written() {
        let text =
            "line: 310\nstatus: 200\nmin: 1.5\nsection: 5.4.5\nflag: true\nname: cn-hangzhou\n\
                    q: '2019-05-31'\nz: null\nt: 'a: b'\n";
        assert_eq!(quote_ambiguous(text), text);
    }

    #[test]
    fn block_scalars_are_content() {
        let text = "raw: |-\n  maintain_begin: 22:00:00\n  - 2019-05-31\nnext: 22:00\n\
                    - raw: |\n    on: off\n  k: 2019-01-01\n";
        assert_eq!(
            quote_ambiguous(text),
            "raw: |-\n  maintain_begin: 22:00:00\n  - 2019-05-31\nnext: '22:00'\n\
             - raw: |\n    on: off\n  k: '2019-01-01'\n"
        );
    }

    #[test]
    fn odd_lines_do_not_panic() {
        for t in [
            "",
            "-",
            "- ",
            ":",
            "': x",
            "\"a\\\"",
            "a:b",
            "- - 12:30",
            "'a''b': 1:2",
        ] {
            let _ = quote_ambiguous(t);
        }
        assert_eq!(quote_ambiguous("- - 12:30\n"), "- - '12:30'\n");
    }
}
