//! The codes each function of `include/picket.h` documents that it returns: the one
//! source of those lists is the header's own comments (written in picket-ffi's doc
//! comments, which cbindgen copies), and this module reads them back for the tests that
//! hold the functions to them (the C tests' coverage step, picket-ffi's tests, the `ffi`
//! fuzz target).
//!
//! The form, in the comment of every function that returns a `picket_result`: a line
//! `Returns:` followed by a list, one `- ` item a line (continued on lines indented by two
//! spaces), up to the next blank line. Every `PICKET_RESULT_NAME` in an item is a code the
//! function returns; `PICKET_RESULT_AREA_*` stands for every code of 100 and up whose name
//! starts with `AREA_` (so `PICKET_RESULT_KEY_*` is the key codes, not the C ABI's own
//! `PICKET_RESULT_KEY_MISMATCH`). Prose around the names is for people. By the API
//! conventions `PICKET_RESULT_PANIC` and `PICKET_RESULT_INTERNAL_ERROR` (a bug) may come
//! from any function and are never listed.
//!
//! ```
//! let header = "enum picket_result {\n    PICKET_RESULT_OK = 0,\n    PICKET_RESULT_NULL_PARAMETER = 2,\n};\n\
//!     /**\n * Does it.\n *\n * Returns:\n * - `PICKET_RESULT_OK`;\n * - `PICKET_RESULT_NULL_PARAMETER`: `out` is\n *   NULL.\n */\n\
//!     picket_result picket_do(uint32_t *out);\n";
//! let docs = picket_test_support::returns::parse(header).unwrap();
//! assert_eq!(docs.functions["picket_do"], [0, 2].into_iter().collect());
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// The codes of the header's `picket_result` enum and the documented returns of its
/// functions.
#[derive(Debug, Default)]
pub struct Returns {
    /// Every `PICKET_RESULT_*` constant without its prefix (`KEY_EMPTY`), with its value.
    pub codes: BTreeMap<String, u32>,
    /// Every function that returns a `picket_result`, with the values its comment lists.
    pub functions: BTreeMap<String, BTreeSet<u32>>,
}

impl Returns {
    /// The name of the code whose value is `value` (`"?"` for none).
    pub fn name(&self, value: u32) -> &str {
        self.codes
            .iter()
            .find(|(_, v)| **v == value)
            .map_or("?", |(n, _)| n.as_str())
    }
}

/// Reads the header's text.
///
/// # Errors
/// A message naming the function and the fault: a function returning `picket_result`
/// without a `Returns:` list, a list item without a code, a name that is not a code, a
/// pattern that matches none.
pub fn parse(header: &str) -> Result<Returns, String> {
    let mut out = Returns {
        codes: enum_codes(header),
        ..Returns::default()
    };
    if out.codes.is_empty() {
        return Err("no `enum picket_result` constants in the header".into());
    }
    let mut comment: Option<String> = None;
    let mut lines = header.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("/**") {
            let mut text = String::new();
            let mut l = t;
            loop {
                if l.ends_with("*/") {
                    break;
                }
                match lines.next() {
                    Some(next) => {
                        l = next.trim();
                        if !l.ends_with("*/") {
                            text.push_str(l.strip_prefix('*').unwrap_or(l));
                            text.push('\n');
                        }
                    }
                    None => break,
                }
            }
            comment = Some(text);
            continue;
        }
        if let Some(rest) = t.strip_prefix("picket_result picket_") {
            let name = format!("picket_{}", rest.split('(').next().unwrap_or_default());
            let text = comment.take().unwrap_or_default();
            let codes = documented(&text, &out.codes).map_err(|e| format!("{name}: {e}"))?;
            out.functions.insert(name, codes);
        } else if !t.is_empty() {
            comment = None;
        }
    }
    Ok(out)
}

/// `PICKET_RESULT_X = N` inside `enum picket_result { ... }`.
fn enum_codes(header: &str) -> BTreeMap<String, u32> {
    let Some(start) = header.find("enum picket_result") else {
        return BTreeMap::new();
    };
    let body = &header[start..];
    let body = &body[..body.find('}').unwrap_or(body.len())];
    body.lines()
        .filter_map(|l| {
            let (name, value) = l.trim().trim_end_matches(',').split_once(" = ")?;
            Some((
                name.strip_prefix("PICKET_RESULT_")?.to_string(),
                value.parse().ok()?,
            ))
        })
        .collect()
}

/// The codes named in the `Returns:` list of one comment.
fn documented(text: &str, codes: &BTreeMap<String, u32>) -> Result<BTreeSet<u32>, String> {
    let mut lines = text.lines().map(|l| l.strip_prefix(' ').unwrap_or(l));
    if !lines.any(|l| l == "Returns:") {
        return Err("its comment has no `Returns:` list".into());
    }
    let mut items: Vec<String> = Vec::new();
    for line in lines.take_while(|l| !l.trim().is_empty()) {
        if let Some(item) = line.strip_prefix("- ") {
            items.push(item.to_string());
        } else if let (Some(cont), Some(last)) = (line.strip_prefix("  "), items.last_mut()) {
            last.push(' ');
            last.push_str(cont);
        } else {
            return Err(format!(
                "`{line}` in the `Returns:` list is not a `- ` item"
            ));
        }
    }
    if items.is_empty() {
        return Err("its `Returns:` list is empty".into());
    }
    let mut out = BTreeSet::new();
    for item in &items {
        let names = names_in(item);
        if names.is_empty() {
            return Err(format!("the item `{item}` names no code"));
        }
        for name in names {
            let values: Vec<u32> = match name.strip_suffix('*') {
                Some(prefix) => codes
                    .iter()
                    .filter(|(n, v)| n.starts_with(prefix) && **v >= 100)
                    .map(|(_, v)| *v)
                    .collect(),
                None => codes.get(name).copied().into_iter().collect(),
            };
            if values.is_empty() {
                return Err(format!("`PICKET_RESULT_{name}` is no code of the header"));
            }
            out.extend(values);
        }
    }
    Ok(out)
}

/// The names after `PICKET_RESULT_` in `text` (`KEY_EMPTY`, or `KEY_*` for a pattern).
fn names_in(text: &str) -> Vec<&str> {
    text.match_indices("PICKET_RESULT_")
        .map(|(i, m)| {
            let rest = &text[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            let with_star = rest[end..].starts_with('*');
            &rest[..end + usize::from(with_star)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENUM: &str = "enum picket_result {\n    PICKET_RESULT_OK = 0,\n    PICKET_RESULT_KEY_MISMATCH = 6,\n    PICKET_RESULT_KEY_EMPTY = 100,\n    PICKET_RESULT_KEY_NON_HEX = 103,\n};\n";

    fn one(doc: &str) -> Result<BTreeSet<u32>, String> {
        let header = format!("{ENUM}/**\n{doc} */\npicket_result picket_f(void);\n");
        parse(&header).map(|r| r.functions["picket_f"].clone())
    }

    #[test]
    fn patterns_take_only_core_codes() {
        let got = one(" * Returns:\n * - `PICKET_RESULT_OK`;\n * - `PICKET_RESULT_KEY_*`: bad.\n")
            .unwrap();
        assert_eq!(got, [0, 100, 103].into_iter().collect());
    }

    #[test]
    fn continuation_lines_belong_to_their_item() {
        let got = one(" * Returns:\n * - `PICKET_RESULT_OK`, or\n *   `PICKET_RESULT_KEY_MISMATCH`.\n *\n * `PICKET_RESULT_KEY_EMPTY` is prose.\n").unwrap();
        assert_eq!(got, [0, 6].into_iter().collect());
    }

    #[test]
    fn faults_are_named() {
        for (doc, fault) in [
            (" * Does it.\n", "no `Returns:`"),
            (" * Returns:\n", "empty"),
            (" * Returns:\n * - nothing\n", "names no code"),
            (
                " * Returns:\n * - `PICKET_RESULT_NOPE`\n",
                "no code of the header",
            ),
            (
                " * Returns:\n * - `PICKET_RESULT_PKCE_*`\n",
                "no code of the header",
            ),
            (" * Returns:\n * stray\n", "not a `- ` item"),
        ] {
            let e = one(doc).unwrap_err();
            assert!(e.contains(fault) && e.starts_with("picket_f: "), "{e}");
        }
    }
}
