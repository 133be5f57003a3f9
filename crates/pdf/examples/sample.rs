//! Writes the sample post-incident review used by the tests to a PDF, to look at:
//! `cargo run -p firebreak-pdf --example sample -- /tmp/sample.pdf [rows] [--drill]`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().map_or("sample.pdf", String::as_str);
    let rows = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1_000);
    let doc =
        if args.iter().any(|a| a == "--drill") { common::drill_document() } else { common::pir_document(rows, 30) };
    let rendered = firebreak_pdf::render(&doc).expect("render");
    std::fs::write(path, &rendered.bytes).expect("write");
    println!("{path}: {} pages, {} bytes", rendered.page_count, rendered.bytes.len());
    for warning in &rendered.warnings {
        println!("warning: {warning}");
    }
}
