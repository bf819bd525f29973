//! Keys in hex dumps laid out in lines, each an offset, groups of hex digits and often the
//! bytes as text, as the dump tools print them:
//!
//! - `hexdump -C`: `00000000  73 6b 5f 65 31 66 37 36  37 64 …  |sk_e1f767d29fa6e|`;
//! - `xxd`: `00000000: 736b 5f65 3166 3736 …  sk_e1f767d29fa6e` (pairs of bytes in order);
//! - `hexdump` and `od -x`: `0000000 6b73 655f …` (pairs of bytes as little-endian words);
//! - `od -tx1`: `0000000 73 6b 5f 65 …`.
//!
//! Consecutive lines with groups of one width (two or four digits) make one dump; its bytes
//! are decoded (four-digit groups in both byte orders) and searched like any other dump's.
//! A secret found is masked from its first group through the end of the line of its last,
//! the text columns between included: they show the same bytes.
//!
//! Linear: each line is read a bounded number of times (its offsets tried alone and in the
//! dump's width, once more when it starts a new dump), and each try reads at most the
//! groups up to the next run that could be an offset.

use zeroize::Zeroize;

use super::dump::report;
use super::secret::{Secret, MIN_EXPOSING_LEN};

/// The most bytes a line of a dump holds (the tools print 16 by default).
const MAX_LINE_BYTES: usize = 32;

/// The dump being read: the width of its groups, and each group's first digit, its number
/// of digits and the end of its span (for the last of a line, the line's end).
#[derive(Default)]
struct Dump {
    width: usize,
    groups: Vec<(usize, usize, usize)>,
}

/// Every dump in `text` laid out in lines that holds a secret: `each(start, end, secret)`,
/// left to right within each byte order.
pub(super) fn line_dumps(text: &[u8], each: &mut impl FnMut(usize, usize, Secret)) {
    if text.len() < MIN_EXPOSING_LEN * 2 {
        return;
    }
    let mut dump = Dump::default();
    let mut line = 0;
    while line < text.len() {
        let end = text[line..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |k| line + k);
        if !read_line(text, line, end, &mut dump) {
            finish(&mut dump, text, each);
            read_line(text, line, end, &mut dump);
        }
        line = end + 1;
    }
    finish(&mut dump, text, each);
}

/// Adds the groups of the line `text[from..to]` to `dump`: false (adding nothing) when the
/// line is no line of a dump, or when it reads better as the first line of a new one.
///
/// The offset is a run of six or more hex digits, anywhere in the line (a logger may put
/// its own prefix before each line), that groups follow. Of the runs the line holds, the
/// one followed by the most bytes is taken: a prefix may hold a run of its own followed by
/// a group or two (a hex id, then `2040`), and the first line of a dump may follow text
/// with no separator (`…2d9760d00000000  73 6b`), its offset joined to the text's digits.
/// The line continues the dump when, read in the dump's width, it holds at least as many
/// bytes as read alone (xxd's last line may hold one byte: `00000020: 39  9`); otherwise it
/// starts a new dump (the caller finishes this one and reads the line again).
fn read_line(text: &[u8], from: usize, to: usize, dump: &mut Dump) -> bool {
    let line = &text[from..to];
    let alone = best_offset(line, 0);
    let (bytes, after, width) = if dump.width == 0 {
        alone
    } else {
        let more = best_offset(line, dump.width);
        if more.0 < alone.0 {
            return false;
        }
        more
    };
    if bytes == 0 {
        return false;
    }
    dump.width = width;
    push_groups(text, from, to, after, width, dump);
    true
}

/// The offset of `line` followed by the most bytes in groups of `width` digits (0: the
/// first group's): (bytes, where the offset ends, the groups' width); (0, 0, 0) when no
/// offset is followed by a group.
fn best_offset(line: &[u8], width: usize) -> (usize, usize, usize) {
    let mut best = (0, 0, 0);
    let mut at = 0;
    while at < line.len() {
        let Some(k) = line[at..].iter().position(|b| b.is_ascii_hexdigit()) else {
            break;
        };
        let start = at + k;
        let offset = line[start..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        at = start + offset;
        if offset >= 6 {
            let (bytes, width) = groups(line, at, width, &mut |_, _| {});
            if bytes > best.0 {
                best = (bytes, at, width);
            }
        }
    }
    best
}

/// Adds to `dump` the groups of `width` digits that follow an offset ending at
/// `text[from + after]`, up to the line's end `to`.
fn push_groups(text: &[u8], from: usize, to: usize, after: usize, width: usize, dump: &mut Dump) {
    let line = &text[from..to];
    groups(line, after, width, &mut |start, digits| {
        dump.groups
            .push((from + start, digits, from + start + digits));
    });
    // The text column after the groups shows the same bytes: it goes with the last group.
    let line_end = if line.ends_with(b"\r") { to - 1 } else { to };
    if let Some(last) = dump.groups.last_mut() {
        last.2 = line_end;
    }
}

/// Reads the groups that follow an offset ending at `line[at]` (a colon may follow it), of
/// `width` digits (0: the first group's), giving each to `each(start, digits)`: (bytes,
/// width), bytes 0 when no group follows.
fn groups(
    line: &[u8],
    at: usize,
    width: usize,
    each: &mut impl FnMut(usize, usize),
) -> (usize, usize) {
    let blank = |at: usize| line[at..].iter().take_while(|b| **b == b' ').count();
    let hex = |at: usize| {
        line[at..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count()
    };
    let mut at = at;
    if line.get(at) == Some(&b':') {
        at += 1;
    }
    let mut width = width;
    let mut bytes = 0;
    loop {
        let gap = blank(at);
        let digits = hex(at + gap);
        let ends = matches!(line.get(at + gap + digits), None | Some(b' ' | b'\r'));
        let w = if width == 0 { digits } else { width };
        // A shorter last group: xxd's odd byte at the end of a dump.
        let last_odd = w == 4 && digits == 2;
        if !(1..=3).contains(&gap)
            || !ends
            || !(digits == w || last_odd)
            || !matches!(w, 2 | 4)
            || bytes >= MAX_LINE_BYTES
        {
            break;
        }
        width = w;
        each(at + gap, digits);
        bytes += digits / 2;
        at += gap + digits;
        if last_odd {
            break;
        }
    }
    (bytes, width)
}

/// Decodes the dump read so far, reports what it holds, and starts a new one.
fn finish(dump: &mut Dump, text: &[u8], each: &mut impl FnMut(usize, usize, Secret)) {
    let orders: &[bool] = if dump.width == 4 {
        &[false, true]
    } else {
        &[false]
    };
    let mut values = Vec::new();
    let mut spans = Vec::new();
    for &swapped in orders {
        values.clear();
        spans.clear();
        for &(start, digits, end) in &dump.groups {
            let mut word = [0u8; 2];
            let word = &mut word[..digits / 2];
            if hex::decode_to_slice(&text[start..start + digits], word).is_err() {
                continue;
            }
            if swapped {
                word.reverse();
            }
            for &b in word.iter() {
                values.push(b);
                spans.push((start, end));
            }
        }
        report(&values, &spans, each);
    }
    values.zeroize();
    dump.groups.clear();
    dump.width = 0;
}
