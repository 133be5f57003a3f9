//! Finds the system fonts the PDF engine embeds and copies them into `OUT_DIR`, so
//! `src/fonts.rs` can `include_bytes!` them without committing megabytes of font files.
//!
//! - DejaVu Sans and DejaVu Sans Bold (Debian package `fonts-dejavu-core`) are copied as is.
//! - Noto Sans CJK ships only as a TrueType/OpenType *collection* (`.ttc`, Debian package
//!   `fonts-noto-cjk`). The engine and PDF readers need a single face, so the Simplified
//!   Chinese face is cut out of the collection here by rewriting the table directory, keeping
//!   only the tables that measuring and subsetting read (the shaping tables are dropped).
//!
//! Set `FIREBREAK_FONT_DIR` to a folder holding `DejaVuSans.ttf`, `DejaVuSans-Bold.ttf` and
//! `NotoSansCJK-Regular.ttc` to build on a machine whose fonts live elsewhere.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

/// Face of `NotoSansCJK-Regular.ttc` to embed: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK. Every face maps
/// the same 44,811 code points (Han, kana, Hangul); they differ only in regional glyph forms.
const CJK_FACE_INDEX: usize = 2;

/// Tables kept in the extracted CJK face: enough for cmap lookups, advances and subsetting.
const CJK_TABLES: [&[u8; 4]; 9] = [b"CFF ", b"OS/2", b"cmap", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"post"];

const DEJAVU_DIRS: [&str; 2] = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu"];
const NOTO_CJK_DIRS: [&str; 3] =
    ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/opentype/noto"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=FIREBREAK_FONT_DIR");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let override_dir = env::var_os("FIREBREAK_FONT_DIR").map(PathBuf::from);

    for name in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
        let source = find(name, override_dir.as_deref(), &DEJAVU_DIRS, "fonts-dejavu-core");
        fs::copy(&source, out_dir.join(name)).unwrap_or_else(|e| panic!("copying {}: {e}", source.display()));
    }

    let ttc_path = find("NotoSansCJK-Regular.ttc", override_dir.as_deref(), &NOTO_CJK_DIRS, "fonts-noto-cjk");
    let ttc = fs::read(&ttc_path).unwrap_or_else(|e| panic!("reading {}: {e}", ttc_path.display()));
    let face = extract_face(&ttc, CJK_FACE_INDEX, &CJK_TABLES)
        .unwrap_or_else(|e| panic!("extracting face {CJK_FACE_INDEX} of {}: {e}", ttc_path.display()));
    fs::write(out_dir.join("NotoSansCJKsc-Regular.otf"), face).expect("writing the CJK face");
}

/// The first existing `dir/name`, or a build failure that names the Debian package to install.
fn find(name: &str, override_dir: Option<&Path>, dirs: &[&str], package: &str) -> PathBuf {
    let candidates: Vec<PathBuf> = override_dir
        .into_iter()
        .map(Path::to_path_buf)
        .chain(dirs.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .collect();
    for path in &candidates {
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_file() {
            return path.clone();
        }
    }
    let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    panic!(
        "\n\nfirebreak-pdf embeds the font {name}, which was not found (looked in: {}).\n\
         Install the Debian package `{package}` (apt-get install -y {package}),\n\
         or set FIREBREAK_FONT_DIR to a folder that contains {name}.\n\n",
        looked.join(", ")
    );
}

fn be16(data: &[u8], at: usize) -> Result<u16, String> {
    data.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(|| format!("truncated font at byte {at}"))
}

fn be32(data: &[u8], at: usize) -> Result<u32, String> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("truncated font at byte {at}"))
}

/// Rebuilds face `index` of a `ttcf` collection as a standalone sfnt holding only `keep`.
/// Table bytes are copied verbatim (checksums stay valid); offsets are recomputed and every
/// table is padded to a 4-byte boundary, as the OpenType spec requires.
fn extract_face(ttc: &[u8], index: usize, keep: &[&[u8; 4]]) -> Result<Vec<u8>, String> {
    if ttc.get(0..4) != Some(b"ttcf".as_slice()) {
        return Err("not a font collection (no ttcf header)".into());
    }
    let faces = be32(ttc, 8)? as usize;
    if index >= faces {
        return Err(format!("the collection has {faces} faces"));
    }
    let face = be32(ttc, 12 + 4 * index)? as usize;
    let sfnt_version = be32(ttc, face)?;
    let table_count = be16(ttc, face + 4)? as usize;

    let mut tables = Vec::new();
    for i in 0..table_count {
        let record = face + 12 + 16 * i;
        let tag: [u8; 4] =
            ttc.get(record..record + 4).and_then(|t| t.try_into().ok()).ok_or("truncated table directory")?;
        if keep.iter().any(|k| **k == tag) {
            let (checksum, offset, length) =
                (be32(ttc, record + 4)?, be32(ttc, record + 8)? as usize, be32(ttc, record + 12)? as usize);
            let bytes = ttc.get(offset..offset + length).ok_or("table outside the file")?;
            tables.push((tag, checksum, bytes));
        }
    }
    if tables.len() != keep.len() {
        return Err(format!("expected tables {keep:?}, found {}", tables.len()));
    }
    tables.sort_by_key(|t| t.0);

    let count = tables.len();
    let entry_selector = (usize::BITS - 1 - count.leading_zeros()) as usize;
    let search_range = (1usize << entry_selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(&sfnt_version.to_be_bytes());
    for value in [count, search_range, entry_selector, count * 16 - search_range] {
        out.extend_from_slice(&(value as u16).to_be_bytes());
    }
    let mut body: Vec<u8> = Vec::new();
    let header_len = 12 + 16 * count;
    for (tag, checksum, bytes) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum.to_be_bytes());
        out.extend_from_slice(&((header_len + body.len()) as u32).to_be_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        body.extend_from_slice(bytes);
        body.resize(body.len().next_multiple_of(4), 0);
    }
    out.extend_from_slice(&body);
    Ok(out)
}
