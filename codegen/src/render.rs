//! The renderers: one function per generated file, each a plain text template filled
//! from the table. Their output must be what rustfmt, gofmt and ruff leave unchanged.

use std::fmt::Write;

use crate::table::{AREAS, CODES, RULES};
use crate::{area_of, camel, core_variant, go_const, go_sentinel, GENERATED};

/// A string literal for Rust, Go and Python alike: double quotes, `\"` and `\\` escaped.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// `text` as doc-comment lines of `prefix` (`"    /// "`), greedily wrapped at 92 columns.
pub(crate) fn doc_lines(out: &mut String, prefix: &str, text: &str) {
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && prefix.len() + line.len() + 1 + word.len() > 92 {
            writeln!(out, "{prefix}{line}").unwrap();
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    writeln!(out, "{prefix}{line}").unwrap();
}

/// The areas as a list, one line each: `- 100-199: the key is malformed (...);`.
fn area_list(prefix: &str, dash: &str) -> String {
    let mut out = String::new();
    for (i, a) in AREAS.iter().enumerate() {
        let end = if i + 1 == AREAS.len() { '.' } else { ';' };
        writeln!(
            out,
            "{prefix}- {}{dash}{}: {}{end}",
            a.range.0, a.range.1, a.meaning
        )
        .unwrap();
    }
    out
}

pub(crate) fn ffi_result_rs() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "//! `picket_result`: the one result enum of the C ABI, and its static messages.\n//!\n//! {GENERATED}\n//! (adding a code: see that file).\n"
    )
    .unwrap();
    o.push_str(
        "/// The result of every fallible picket function.\n///\n/// Values are explicit, grouped by area and never reused:\n///\n",
    );
    o.push_str(&area_list("/// ", "-"));
    o.push_str(
        "///
/// Each picket-core error variant has exactly the value of its stable `code()`. An error
/// that wraps another (a malformed key inside a header, a refused URI inside a build) has
/// the code of the inner error. `picket_result_text` gives a static message for each
/// value; `picket_last_error_message` gives the detailed message of the last failure.
///
/// In C this is a `uint32_t`. Functions that take a result as an argument take a
/// `uint32_t` and accept any value.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum picket_result {
",
    );
    let mut area = None;
    for code in CODES {
        let a = area_of(code).map(|a| a.range);
        if area.is_some() && area != a {
            o.push('\n');
        }
        area = a;
        doc_lines(&mut o, "    /// ", code.doc);
        writeln!(o, "    {} = {},", camel(code.name), code.value).unwrap();
    }
    o.push_str("}\n\n/// Every variant, in ascending order of value.\n");
    writeln!(
        o,
        "const ALL: [picket_result; {}] = {{\n    use picket_result::*;\n    [",
        CODES.len()
    )
    .unwrap();
    for code in CODES {
        writeln!(o, "        {},", camel(code.name)).unwrap();
    }
    o.push_str(
        "    ]
};

impl picket_result {
    /// Every variant, in ascending order of value.
    ///
    /// ```
    /// assert_eq!(picket::picket_result::all()[0], picket::picket_result::Ok);
    /// ```
    pub fn all() -> &'static [picket_result] {
        &ALL
    }

    /// The variant whose value is `code`, if there is one. Never builds an enum from an
    /// unchecked integer.
    ///
    /// ```
    /// use picket::picket_result;
    /// assert_eq!(picket_result::from_code(102), Some(picket_result::KeyWrongLength));
    /// assert_eq!(picket_result::from_code(99), None);
    /// ```
    pub fn from_code(code: u32) -> Option<picket_result> {
        ALL.iter().copied().find(|r| *r as u32 == code)
    }

    /// The static message of this result: lowercase, naming what was wrong.
    ///
    /// ```
    /// assert_eq!(picket::picket_result::Ok.text(), \"success\");
    /// ```
    pub const fn text(self) -> &'static str {
        use picket_result::*;
        match self {
",
    );
    for code in CODES {
        writeln!(
            o,
            "            {} => {},",
            camel(code.name),
            quoted(code.text)
        )
        .unwrap();
    }
    o.push_str(
        "        }
    }

    /// The rule name of this result: the C constant without `PICKET_RESULT_`, lowercase
    /// (`auth_unknown_key`), as Go's `Code.String()`, Python's `Code` and the server name it.
    ///
    /// ```
    /// assert_eq!(picket::picket_result::AuthUnknownKey.name(), \"auth_unknown_key\");
    /// ```
    pub const fn name(self) -> &'static str {
        use picket_result::*;
        match self {
",
    );
    for code in CODES {
        writeln!(
            o,
            "            {} => {},",
            camel(code.name),
            quoted(&code.name.to_ascii_lowercase())
        )
        .unwrap();
    }
    o.push_str("        }\n    }\n}\n");
    o
}

pub(crate) fn core_codes_rs() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "//! The stable numeric `code()` of every picket-core error: the numbers of picket's one\n//! table of result codes, which the C ABI and every binding share.\n//!\n//! {GENERATED}\n//! (adding a code: see that file).\n"
    )
    .unwrap();
    let enums: Vec<&str> = AREAS.iter().filter_map(|a| a.core_enum).collect();
    let mut sorted = enums.clone();
    sorted.sort_unstable();
    for e in sorted {
        writeln!(o, "use crate::{e};").unwrap();
    }
    for area in AREAS {
        let Some(e) = area.core_enum else { continue };
        let wraps = area
            .wraps
            .map_or(String::new(), |(_, note)| format!("; {note}"));
        let example_code = CODES
            .iter()
            .find(|c| {
                c.core
                    .is_some_and(|p| core_variant(p) == core_variant(area.example))
            })
            .map_or(0, |c| c.value);
        write!(
            o,
            "
impl {e} {{
    /// The stable numeric code ({}–{}{wraps}).
    ///
    /// ```
    /// assert_eq!(picket_core::{}.code(), {example_code});
    /// ```
    pub const fn code(&self) -> u32 {{
        match self {{
",
            area.range.0, area.range.1, area.example
        )
        .unwrap();
        if let Some((pattern, _)) = area.wraps {
            writeln!(o, "            {pattern} => inner.code(),").unwrap();
        }
        for code in CODES
            .iter()
            .filter(|c| area_of(c).is_some_and(|a| a.range == area.range))
        {
            if let Some(pattern) = code.core {
                writeln!(o, "            {pattern} => {},", code.value).unwrap();
            }
        }
        o.push_str("        }\n    }\n}\n");
    }
    o
}

pub(crate) fn go_codes() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "// Code {GENERATED}.\n// DO NOT EDIT.\n\npackage picket\n\nconst ("
    )
    .unwrap();
    for code in CODES {
        let c = go_const(code);
        writeln!(o, "\t// {c}: {}\n\t{c} Code = {}", code.doc, code.value).unwrap();
    }
    o.push_str(
        ")

// Sentinel errors, one per code: errors.Is(err, ErrX) holds for every *Error whose Code is
// that of ErrX. Their Message is empty; Error() then gives the code's static text.
var (
",
    );
    for code in CODES.iter().filter(|c| c.value != 0) {
        let (s, c) = (go_sentinel(code), go_const(code));
        writeln!(
            o,
            "\t// {s} is the sentinel of {c}.\n\t{s} = &Error{{Code: {c}}}"
        )
        .unwrap();
    }
    o.push_str(
        ")

// codeTable lists every code in ascending order, with its name (the C constant without
// PICKET_RESULT_, lowercase) and its sentinel (nil for CodeOK).
var codeTable = []struct {
	code     Code
	name     string
	sentinel *Error
}{
",
    );
    for code in CODES {
        let sentinel = if code.value == 0 {
            "nil".to_string()
        } else {
            go_sentinel(code)
        };
        writeln!(
            o,
            "\t{{{}, {}, {sentinel}}},",
            go_const(code),
            quoted(&code.name.to_ascii_lowercase())
        )
        .unwrap();
    }
    o.push_str(
        "}

// codeNames maps each code to its name: the C constant without PICKET_RESULT_, lowercase.
var codeNames = func() map[Code]string {
	m := make(map[Code]string, len(codeTable))
	for _, c := range codeTable {
		m[c.code] = c.name
	}
	return m
}()

// sentinels lists every sentinel error, in ascending order of code.
var sentinels = func() []*Error {
	s := make([]*Error, 0, len(codeTable))
	for _, c := range codeTable {
		if c.sentinel != nil {
			s = append(s, c.sentinel)
		}
	}
	return s
}()
",
    );
    o
}

pub(crate) fn python_codes() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "\"\"\"The result codes of picket (``picket_result``).

{GENERATED}.
\"\"\"

import enum

__all__ = [\"Code\"]


class Code(enum.IntEnum):
    \"\"\"Every value of ``picket_result`` (``PICKET_RESULT_<NAME>`` in the header).

    Values are grouped by area and never reused:
"
    )
    .unwrap();
    for line in area_list("    ", "-").lines() {
        writeln!(o, "{}", line.replace('`', "``")).unwrap();
    }
    o.push_str("    \"\"\"\n\n");
    for code in CODES {
        writeln!(o, "    {} = {}", code.name, code.value).unwrap();
    }
    o
}

pub(crate) fn c_codes_h() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "/* Every result code of picket.h, in ascending order: the rows of check.h's table.
 * {GENERATED}. */"
    )
    .unwrap();
    for code in CODES {
        writeln!(o, "CHECK_CODE_({}),", code.name).unwrap();
    }
    o
}

pub(crate) fn node_codes() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "// {GENERATED}.

/**
 * Every value of `picket_result` (`PICKET_RESULT_<NAME>` in the C header), by name.
 *
 * Values are grouped by area and never reused:
 *"
    )
    .unwrap();
    for line in area_list(" * ", "-").lines() {
        writeln!(o, "{line}").unwrap();
    }
    o.push_str(" */\nexport const Code = {\n");
    for code in CODES {
        if 2 + 4 + code.doc.len() + 3 <= 92 {
            writeln!(o, "  /** {} */", code.doc).unwrap();
        } else {
            o.push_str("  /**\n");
            doc_lines(&mut o, "   * ", code.doc);
            o.push_str("   */\n");
        }
        writeln!(o, "  {}: {},", code.name, code.value).unwrap();
    }
    o.push_str(
        "} as const;

/** A picket result code: one of the values of {@link Code}. */
export type Code = (typeof Code)[keyof typeof Code];

/**
 * The rule name of each code: its name in lowercase (`auth_unknown_key`), the `error` of
 * the error object every middleware answers with.
 */
export const CODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Code).map(([name, value]) => [value, name.toLowerCase()]),
);

/**
 * The rules of picket-server's API that the middleware answers too, with the codes of the
 * same table (800-999: never a result of the C ABI): rule name, code, HTTP status, message.
 */
export const MIDDLEWARE_RULES = {
",
    );
    for r in RULES.iter().filter(|r| r.middleware) {
        writeln!(
            o,
            "  {}: {{ code: {}, status: {}, message: {} }},",
            r.name,
            r.value,
            r.status,
            quoted(r.text)
        )
        .unwrap();
    }
    o.push_str("} as const;\n");
    o
}
