//! Behaviour of the engine that needs no external tool: determinism, input validation and
//! layouts at their limits (empty documents, rows taller than a page).

mod common;

use firebreak_pdf::{render, Block, Column, Document, PdfError, Table};

fn with_blocks(blocks: Vec<Block>) -> Document {
    Document { blocks, ..common::pir_document(0, 0) }
}

#[test]
fn the_same_document_renders_to_the_same_bytes() {
    let doc = common::pir_document(50, 5);
    let first = render(&doc).expect("render");
    let second = render(&doc).expect("render");
    assert!(first.bytes.starts_with(b"%PDF-"));
    assert_eq!(first.bytes, second.bytes);
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_an_error() {
    let doc = with_blocks(vec![Block::Table(Table {
        columns: vec![Column::new("A", 1.0), Column::new("B", 1.0)],
        rows: vec![vec!["1".into(), "2".into()], vec!["only one".into()]],
    })]);
    match render(&doc) {
        Err(PdfError::InvalidDocument(message)) => {
            assert!(message.contains("row 1 has 1 cells for 2 columns"), "{message}");
        }
        other => panic!("expected InvalidDocument, got {other:?}"),
    }
}

#[test]
fn a_column_weight_must_be_positive() {
    let doc = with_blocks(vec![Block::Table(Table { columns: vec![Column::new("A", 0.0)], rows: vec![] })]);
    assert!(matches!(render(&doc), Err(PdfError::InvalidDocument(_))));
}

#[test]
fn an_empty_document_is_one_page_with_its_title() {
    let rendered = render(&with_blocks(vec![])).expect("render");
    assert_eq!(rendered.page_count, 1);
    assert!(rendered.warnings.is_empty());
}

#[test]
fn a_row_taller_than_a_page_is_split_between_its_lines() {
    let tall = (1..=150).map(|i| format!("line {i}")).collect::<Vec<_>>().join("\n");
    let doc = with_blocks(vec![Block::Table(Table {
        columns: vec![Column::new("Step", 1.0), Column::new("Notes", 3.0)],
        rows: vec![vec!["1".into(), tall.clone()], vec!["2".into(), "short".into()]],
    })]);
    let rendered = render(&doc).expect("render");
    assert!(rendered.page_count >= 3, "{} pages", rendered.page_count);
}

#[test]
fn page_breaks_and_spacers_never_leave_blank_pages() {
    let doc = with_blocks(vec![
        Block::paragraph("first"),
        Block::PageBreak,
        Block::PageBreak,
        Block::Spacer(2_000.0),
        Block::paragraph("second"),
    ]);
    assert_eq!(render(&doc).expect("render").page_count, 2);
}
