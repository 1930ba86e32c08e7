//! Benchmarks and data generation: `linli admin generate`, `linli bench pages`, `city`
//! and `crash`.
//! Every figure is measured in the same run as its baseline.

pub mod city;
pub mod crash;
pub mod generate;
pub mod intake;
pub mod pages;
pub mod vault;

/// A storage error as the benchmark reports it.
fn db(e: crate::db::DbError) -> String {
    e.to_string()
}

/// Median and 95th percentile of some durations, in milliseconds.
pub fn median_p95(samples: &mut [f64]) -> (f64, f64) {
    if samples.is_empty() {
        return (0.0, 0.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_and_p95() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        let (m, p) = super::median_p95(&mut v);
        assert_eq!((m.round(), p.round()), (51.0, 95.0));
    }
}
