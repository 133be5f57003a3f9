//! Benchmark (not a test): renders a PIR-sized document (1,000 timeline rows, 30 action
//! items, paragraphs, a chart) and prints the median time. Run with
//! `cargo bench -p firebreak-pdf`; the target is ≤ 100 ms in a release build.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

fn main() {
    let doc = common::pir_document(1_000, 30);
    // The first render parses the fonts (once per process); report it separately.
    let start = Instant::now();
    let first = firebreak_pdf::render(&doc).expect("render");
    let first_time = start.elapsed();
    let mut times: Vec<Duration> = (0..25)
        .map(|_| {
            let start = Instant::now();
            let rendered = firebreak_pdf::render(&doc).expect("render");
            let elapsed = start.elapsed();
            assert_eq!(rendered.page_count, first.page_count);
            elapsed
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "render PIR (1,000 timeline rows + 30 action items): median {:.1} ms, min {:.1} ms, max {:.1} ms over {} runs; first render incl. font parsing {:.1} ms; {} pages, {} KB",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len(),
        ms(first_time),
        first.page_count,
        first.bytes.len() / 1024
    );
}
