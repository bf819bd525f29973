//! `returns HEADER SEEN [FUNCTION:CODE...]`: holds the functions of `include/picket.h` to
//! the codes their comments list (`picket_test_support::returns`), against the
//! (function, code) pairs the C tests saw returned. `SEEN` is a file of lines
//! `FUNCTION VALUE`; each `FUNCTION:CODE` argument (a name without `PICKET_RESULT_`) is a
//! listed pair no test can provoke, with its reason given where the caller lists it.
//!
//! Fails (exit 1), naming each pair, when a pair was seen that its function's list lacks,
//! a listed pair was never seen and is not excused, or an excuse names a pair that is not
//! listed or that was seen after all. Run by `tests/c/run.sh`.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::{env, fs};

use picket_test_support::returns::parse;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let [header, seen, excused @ ..] = args.as_slice() else {
        eprintln!("usage: returns HEADER SEEN [FUNCTION:CODE...]");
        return ExitCode::from(2);
    };
    let read = |path: &str| fs::read_to_string(path).map_err(|e| format!("{path}: {e}"));
    let result = read(header).and_then(|h| parse(&h)).and_then(|docs| {
        let seen_text = read(seen)?;
        let mut seen = BTreeSet::new();
        for line in seen_text.lines().filter(|l| !l.trim().is_empty()) {
            let (f, v) = line
                .split_once(' ')
                .and_then(|(f, v)| Some((f.to_string(), v.trim().parse::<u32>().ok()?)))
                .ok_or_else(|| format!("{line:?} is not `FUNCTION VALUE`"))?;
            seen.insert((f, v));
        }
        let mut excuses = BTreeSet::new();
        for e in excused {
            let (f, name) = e
                .split_once(':')
                .ok_or_else(|| format!("{e:?} is not FUNCTION:CODE"))?;
            let v = *docs
                .codes
                .get(name)
                .ok_or_else(|| format!("{e}: {name} is no code"))?;
            excuses.insert((f.to_string(), v));
        }
        let mut faults = Vec::new();
        for (f, v) in &seen {
            match docs.functions.get(f) {
                None => faults.push(format!(
                    "{f} returned {} but the header documents no list for it",
                    docs.name(*v)
                )),
                Some(list) if !list.contains(v) => faults.push(format!(
                    "{f} returned {} ({v}), which its comment in picket.h does not list",
                    docs.name(*v)
                )),
                Some(_) => {}
            }
        }
        for (f, list) in &docs.functions {
            for v in list {
                let pair = (f.clone(), *v);
                let excused = excuses.contains(&pair);
                if !seen.contains(&pair) && !excused {
                    faults.push(format!(
                        "{f} lists {} ({v}), but no test saw it returned",
                        docs.name(*v)
                    ));
                } else if seen.contains(&pair) && excused {
                    faults.push(format!(
                        "{f}:{} is excused as unreachable but a test saw it",
                        docs.name(*v)
                    ));
                }
            }
        }
        for (f, v) in &excuses {
            if !docs.functions.get(f).is_some_and(|l| l.contains(v)) {
                faults.push(format!("{f}:{} is excused but not listed", docs.name(*v)));
            }
        }
        let pairs: usize = docs.functions.values().map(BTreeSet::len).sum();
        if faults.is_empty() {
            Ok(format!(
                "ok: the {} functions returning a picket_result return exactly the {pairs} codes their comments list ({} excused)",
                docs.functions.len(),
                excuses.len()
            ))
        } else {
            Err(faults.join("\n"))
        }
    });
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
