//! The one table the benchmark prints: figure, kokoon, reference, ratio, target, verdict.

use std::fmt::Write as _;

/// A measured value and its unit.
#[derive(Clone, Copy, Debug)]
pub struct Value {
    pub v: Option<f64>,
    pub unit: Unit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    PerSec,
    Ms,
    S,
    Mb,
    Count,
}

impl Value {
    pub fn new(v: f64, unit: Unit) -> Value {
        Value {
            v: v.is_finite().then_some(v),
            unit,
        }
    }

    pub fn none(unit: Unit) -> Value {
        Value { v: None, unit }
    }

    fn show(&self) -> String {
        let Some(v) = self.v else {
            return "—".to_owned();
        };
        match self.unit {
            Unit::PerSec => format!("{v:.0}/s"),
            Unit::Ms if v < 10.0 => format!("{v:.2} ms"),
            Unit::Ms => format!("{v:.1} ms"),
            Unit::S if v < 10.0 => format!("{v:.3} s"),
            Unit::S => format!("{v:.1} s"),
            Unit::Mb => format!("{v:.1} MB"),
            Unit::Count => format!("{v:.0}"),
        }
    }
}

/// What a figure must reach.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// kokoon / reference at least this.
    RatioAtLeast(f64),
    /// kokoon / reference at most this.
    RatioAtMost(f64),
    /// kokoon at most this, in its unit.
    AtMost(f64),
    /// No target: shown for context.
    Info,
}

pub struct Row {
    pub figure: String,
    pub kokoon: Value,
    pub reference: Value,
    /// What the reference is, e.g. "echo bot".
    pub reference_is: &'static str,
    pub target: Target,
}

impl Row {
    fn ratio(&self) -> Option<f64> {
        let (k, r) = (self.kokoon.v?, self.reference.v?);
        (r != 0.0).then(|| k / r)
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::RatioAtLeast(f) => format!("≥ {f}× {}", self.reference_is),
            Target::RatioAtMost(f) => format!("≤ {f}× {}", self.reference_is),
            Target::AtMost(x) => format!("≤ {}", Value::new(x, self.kokoon.unit).show()),
            Target::Info => "—".to_owned(),
        }
    }

    /// "ok", "MISS", "—" (no target) or "FAILED" (no value).
    pub fn verdict(&self) -> &'static str {
        let Some(k) = self.kokoon.v else {
            return "FAILED";
        };
        let ok = match self.target {
            Target::Info => return "—",
            Target::AtMost(x) => k <= x,
            Target::RatioAtLeast(f) => self.ratio().is_some_and(|r| r >= f),
            Target::RatioAtMost(f) => self.ratio().is_some_and(|r| r <= f),
        };
        if ok {
            "ok"
        } else {
            "MISS"
        }
    }
}

/// The table as Markdown.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| figure | kokoon | reference | ratio | target | verdict |\n");
    out.push_str("|---|---:|---:|---:|---|---|\n");
    for r in rows {
        let reference = match r.reference.v {
            Some(_) => format!("{} ({})", r.reference.show(), r.reference_is),
            None => "—".to_owned(),
        };
        let ratio = r.ratio().map_or("—".to_owned(), |x| format!("{x:.2}×"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.figure,
            r.kokoon.show(),
            reference,
            ratio,
            r.target_text(),
            r.verdict()
        );
    }
    out
}
