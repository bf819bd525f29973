//! `picket-ct`: measures every case and prints one table of max |t| per case.
//!
//! ```text
//! cargo run --release -p picket-ct -- [--measurements N] [--batch N] [--seed N] [--case TEXT]...
//! ```
//!
//! Exit status: 0 when every case under test stays below |t| = 10 and the control exceeds
//! it (cases measured but not claimed do not count); 1 otherwise; 2 on a usage or fixture
//! error.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use picket_ct::cases::{self, Role};
use picket_ct::harness::Config;
use picket_ct::rng::Rng;
use picket_ct::stats::analyze;
use picket_ct::{MIN_PER_CLASS, THRESHOLD};

const USAGE: &str = "\
usage: picket-ct [--measurements N] [--batch N] [--seed N] [--case TEXT]... [--list]

  --measurements N  measurements per class and case (default 1000000)
  --batch N         calls timed together in one measurement (default 16)
  --seed N          seed of the schedule and fixtures (default: from the clock)
  --case TEXT       run only the cases whose name contains TEXT (repeatable)
  --list            list the cases and their classes, then exit";

/// Largest `--batch`: beyond it a measurement is long enough to be hit by most interrupts.
const MAX_BATCH: u64 = 1024;

struct Options {
    config: Config,
    seed: u64,
    filters: Vec<String>,
    list: bool,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        config: Config {
            per_class: 1_000_000,
            batch: 16,
            warmup: 0,
        },
        seed: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed),
        filters: Vec::new(),
        list: false,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v:?}"))
        };
        match flag.as_str() {
            "--measurements" | "-n" => {
                let n = number(&flag, value(&flag)?)?;
                if n < 2 * MIN_PER_CLASS {
                    return Err(format!(
                        "--measurements must be at least {}",
                        2 * MIN_PER_CLASS
                    ));
                }
                options.config.per_class = n as usize;
            }
            "--batch" => {
                let n = number(&flag, value(&flag)?)?;
                if !(1..=MAX_BATCH).contains(&n) {
                    return Err(format!("--batch must be in 1..={MAX_BATCH}"));
                }
                options.config.batch = n as usize;
            }
            "--seed" => options.seed = number(&flag, value(&flag)?)?,
            "--case" => options.filters.push(value(&flag)?),
            "--list" => options.list = true,
            "--help" | "-h" => return Err(String::new()),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    options.config.warmup = (options.config.per_class / 10).min(20_000);
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("picket-ct: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let selected: Vec<_> = cases::all()
        .into_iter()
        .filter(|c| {
            options.filters.is_empty()
                || options.filters.iter().any(|f| c.name.contains(f.as_str()))
        })
        .collect();
    if selected.is_empty() {
        eprintln!("picket-ct: no case matches {:?}", options.filters);
        return ExitCode::from(2);
    }
    if options.list {
        for c in &selected {
            println!("{}\n  A: {}\n  B: {}", c.name, c.class_a, c.class_b);
        }
        return ExitCode::SUCCESS;
    }

    let config = options.config;
    if cfg!(debug_assertions) {
        eprintln!("picket-ct: warning: a debug build measures unoptimised code; use --release");
    }
    println!(
        "picket-ct: {} measurements per class, {} calls per measurement, seed {}, threshold |t| {THRESHOLD}",
        config.per_class, config.batch, options.seed
    );
    let header = format!(
        "{:<42} | {:>22} | {:>8} | {:<20} | {:<11} | {:>9} | {:>9}",
        "case",
        "measurements per class",
        "max |t|",
        "verdict",
        "worst test",
        "ns/call A",
        "ns/call B"
    );
    println!("{header}\n{}", "-".repeat(header.len()));

    let mut rng = Rng::new(options.seed);
    let mut ok = true;
    for case in selected {
        let started = Instant::now();
        eprint!("  measuring {} ...", case.name);
        let _ = std::io::stderr().flush();
        let timings = match (case.run)(&config, &mut rng) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("\npicket-ct: {}: {e}", case.name);
                return ExitCode::from(2);
            }
        };
        let analysis = analyze(&timings.classes, &timings.times, MIN_PER_CLASS);
        eprintln!(" {:.1}s", started.elapsed().as_secs_f64());
        let worst = analysis.worst();
        let t = worst.map_or(f64::NAN, |w| w.t.abs());
        let (pass, verdict) = match (case.role, t >= THRESHOLD) {
            _ if t.is_nan() => (false, "FAIL (no statistic)"),
            (Role::Check | Role::Null, false) => (true, "pass"),
            (Role::Check, true) => (false, "FAIL (leak)"),
            (Role::Null, true) => (false, "FAIL (false alarm)"),
            (Role::Control, true) => (true, "pass (control leaks)"),
            (Role::Control, false) => (false, "FAIL (control blind)"),
            (Role::Report, false) => (true, "no leak (not claimed)"),
            (Role::Report, true) => (true, "leak (not claimed)"),
        };
        ok &= pass;
        let per_call = |c: usize| analysis.median[c] as f64 / config.batch as f64;
        println!(
            "{:<42} | {:>22} | {:>8.2} | {:<20} | {:<11} | {:>9.1} | {:>9.1}",
            case.name,
            config.per_class,
            t,
            verdict,
            worst.map_or("-".to_string(), |w| w.kind.to_string()),
            per_call(0),
            per_call(1),
        );
    }
    println!(
        "\nns/call: median measurement / calls per measurement (timer overhead included). {}",
        if ok {
            "All cases pass."
        } else {
            "Some cases FAIL."
        }
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let o = parse(&[
            "--measurements",
            "100_000",
            "--batch=8",
            "--seed",
            "7",
            "--case",
            "pkce",
        ])
        .unwrap();
        assert_eq!(
            (o.config.per_class, o.config.batch, o.seed),
            (100_000, 8, 7)
        );
        assert_eq!(o.config.warmup, 10_000);
        assert_eq!(o.filters, ["pkce"]);
        assert_eq!(parse(&[]).unwrap().config.per_class, 1_000_000);
        assert!(parse(&["--measurements", "10"]).is_err());
        assert!(parse(&["--batch", "0"]).is_err());
        assert!(parse(&["--measurements"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
        assert_eq!(parse(&["--help"]).err().as_deref(), Some(""));
    }
}
