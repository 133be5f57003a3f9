//! Text measurement and line breaking. A string becomes a row of measured glyphs (each from
//! the first font that has it; '?' plus a warning when none does), which a greedy breaker
//! cuts into lines no wider than the space given: at spaces, between CJK characters (with
//! the usual rules against lines starting with closing punctuation), and inside words that
//! are too long for a line at all (preferably after '-', '/', '_', '.').

use crate::error::Diagnostics;
use crate::fonts::{Face, FontSet, Weight};

/// One character, resolved to a face, with its advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shaped {
    pub ch: char,
    pub face: Face,
    pub gid: u16,
    pub advance: f32,
}

/// A line: a range of `Wrapped::glyphs` and its width in em (trailing spaces excluded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LineSpan {
    pub start: usize,
    pub end: usize,
    pub width: f32,
}

/// Text broken into lines. There is always at least one (possibly empty) line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wrapped {
    pub glyphs: Vec<Shaped>,
    pub lines: Vec<LineSpan>,
}

impl Wrapped {
    pub(crate) fn line(&self, index: usize) -> &[Shaped] {
        let span = self.lines[index];
        &self.glyphs[span.start..span.end]
    }

    #[cfg(test)]
    pub(crate) fn line_texts(&self) -> Vec<String> {
        (0..self.lines.len()).map(|i| self.line(i).iter().map(|g| g.ch).collect()).collect()
    }
}

/// Measures `text` on one line (newlines count as spaces), in em.
pub(crate) fn measure(text: &str, weight: Weight, fonts: &FontSet, diag: &mut Diagnostics) -> f32 {
    let mut glyphs = Vec::with_capacity(text.len());
    shape_into(text, weight, fonts, diag, &mut glyphs);
    glyphs.iter().map(|g| g.advance).sum()
}

/// Shapes `text` and breaks it into lines at most `max_width` em wide. `\n` forces a break.
pub(crate) fn wrap(text: &str, weight: Weight, max_width: f32, fonts: &FontSet, diag: &mut Diagnostics) -> Wrapped {
    let mut wrapped = Wrapped { glyphs: Vec::with_capacity(text.len()), lines: Vec::new() };
    for hard_line in text.split('\n') {
        let base = wrapped.glyphs.len();
        shape_into(hard_line, weight, fonts, diag, &mut wrapped.glyphs);
        break_lines(&wrapped.glyphs, base, max_width, &mut wrapped.lines);
    }
    wrapped
}

/// Appends the glyphs of `text` to `out`. Tabs become spaces, control and invisible
/// formatting characters (soft hyphens, zero-width spaces, variation selectors) are
/// dropped, and a character without a glyph in any font is drawn as '?' and reported.
pub(crate) fn shape_into(text: &str, weight: Weight, fonts: &FontSet, diag: &mut Diagnostics, out: &mut Vec<Shaped>) {
    for ch in text.chars() {
        let ch = match ch {
            '\t' | '\n' => ' ',
            c if c.is_control() || is_invisible_format(c) => continue,
            c => c,
        };
        match fonts.glyph(ch, weight) {
            Some(g) => out.push(Shaped { ch, face: g.face, gid: g.gid, advance: g.advance }),
            None => {
                diag.missing_glyph(ch);
                let g = fonts.glyph('?', weight).expect("DejaVu Sans has '?'");
                out.push(Shaped { ch: '?', face: g.face, gid: g.gid, advance: g.advance });
            }
        }
    }
}

/// Breaks `glyphs[base..]` (one hard line) into lines and appends them to `lines`.
fn break_lines(glyphs: &[Shaped], base: usize, max_width: f32, lines: &mut Vec<LineSpan>) {
    let end = glyphs.len();
    let mut start = base;
    if start == end {
        lines.push(LineSpan { start, end, width: 0.0 });
        return;
    }
    while start < end {
        let mut width = 0.0;
        let mut regular_break = None;
        let mut emergency_break = None;
        let mut cut = end;
        for i in start..end {
            if i > start {
                if can_break_before(glyphs[i - 1].ch, glyphs[i].ch) {
                    regular_break = Some(i);
                } else if is_emergency_break_after(glyphs[i - 1].ch, glyphs[i].ch) {
                    emergency_break = Some(i);
                }
            }
            let g = glyphs[i];
            if g.ch != ' ' && i > start && width + g.advance > max_width {
                cut = regular_break.or(emergency_break).unwrap_or(i);
                break;
            }
            width += g.advance;
        }
        lines.push(span(glyphs, start, cut));
        start = cut;
        if start < end {
            while start < end && glyphs[start].ch == ' ' {
                start += 1;
            }
        }
    }
}

/// The line `[start, end)` without its trailing spaces.
fn span(glyphs: &[Shaped], start: usize, mut end: usize) -> LineSpan {
    while end > start && glyphs[end - 1].ch == ' ' {
        end -= 1;
    }
    let width = glyphs[start..end].iter().map(|g| g.advance).sum();
    LineSpan { start, end, width }
}

fn can_break_before(prev: char, next: char) -> bool {
    if prev == ' ' {
        return next != ' ';
    }
    if next == ' ' || prev == '\u{a0}' || next == '\u{a0}' {
        return false;
    }
    (breaks_between(prev) || breaks_between(next)) && !no_break_before(next) && !no_break_after(prev)
}

/// Places inside an overlong word where a break reads better than an arbitrary one.
fn is_emergency_break_after(prev: char, next: char) -> bool {
    matches!(prev, '-' | '/' | '_' | '.' | ':' | '\\' | '&' | '=' | '?' | ',' | ';') && prev != next
}

/// Scripts written without spaces between words, where a line may break between any two
/// characters. Hangul is left out: Korean separates words with spaces and keeps them whole.
fn breaks_between(ch: char) -> bool {
    matches!(u32::from(ch),
        0x2E80..=0x2FFF     // CJK radicals, Kangxi radicals
        | 0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3190..=0x31FF   // Kanbun, CJK strokes, Katakana extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFE30..=0xFE4F   // CJK compatibility forms
        | 0xFF00..=0xFF60   // full-width forms
        | 0x20000..=0x3FFFF // CJK extensions B and later
    )
}

/// Characters that must not start a line (closing punctuation, small kana, iteration marks).
fn no_break_before(ch: char) -> bool {
    matches!(
        ch,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | 'ー'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '〙'
            | '〗'
            | '〟'
            | '’'
            | '”'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '々'
            | '〻'
            | '］'
            | '｝'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Characters that must not end a line (opening brackets and quotes).
fn no_break_after(ch: char) -> bool {
    matches!(
        ch,
        '（' | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '〘'
            | '〖'
            | '〝'
            | '‘'
            | '“'
            | '［'
            | '｛'
            | '('
            | '['
            | '{'
    )
}

/// Format characters that are invisible by design; dropping them loses nothing visible.
fn is_invisible_format(ch: char) -> bool {
    matches!(u32::from(ch),
        0x00AD | 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F
        | 0xFE00..=0xFE0F | 0xFEFF | 0xE0000..=0xE0FFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::fonts;

    fn lines(text: &str, max_width: f32) -> Vec<String> {
        let mut diag = Diagnostics::default();
        wrap(text, Weight::Regular, max_width, fonts().unwrap(), &mut diag).line_texts()
    }

    fn width(text: &str) -> f32 {
        measure(text, Weight::Regular, fonts().unwrap(), &mut Diagnostics::default())
    }

    #[test]
    fn breaks_at_spaces_and_drops_them_at_line_ends() {
        let max = width("quick brown") + 0.01;
        assert_eq!(lines("the quick brown fox jumps", max), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn keeps_hard_breaks_and_empty_lines() {
        assert_eq!(lines("one\n\ntwo", 100.0), ["one", "", "two"]);
        assert_eq!(lines("", 100.0), [""]);
    }

    #[test]
    fn breaks_between_cjk_characters_but_not_before_closing_punctuation() {
        assert_eq!(lines("中文日本語", 2.5), ["中文", "日本", "語"]);
        assert_eq!(lines("中文。日本", 2.2), ["中", "文。", "日本"]);
        assert_eq!(lines("「中文」", 2.2), ["「中", "文」"]);
    }

    #[test]
    fn keeps_korean_words_whole() {
        let max = width("안녕하세요") + 0.01;
        assert_eq!(lines("안녕하세요 세계", max), ["안녕하세요", "세계"]);
    }

    #[test]
    fn mixes_scripts_on_one_line() {
        let mut diag = Diagnostics::default();
        let w = wrap("Ελληνικά 中文 Кириллица", Weight::Regular, 100.0, fonts().unwrap(), &mut diag);
        assert_eq!(w.lines.len(), 1);
        let faces: Vec<Face> = w.glyphs.iter().map(|g| g.face).collect();
        assert!(faces.contains(&Face::Regular) && faces.contains(&Face::Cjk));
        assert!(diag.into_warnings().is_empty());
    }

    #[test]
    fn hard_breaks_overlong_words_preferring_punctuation() {
        let word = "a".repeat(40);
        let got = lines(&word, width("aaaaaaaaaa") + 0.01);
        assert_eq!(got, vec!["a".repeat(10); 4]);
        let got = lines("/var/lib/firebreak/incidents", width("/var/lib/firebr") + 0.01);
        assert_eq!(got, ["/var/lib/", "firebreak/", "incidents"]);
    }

    #[test]
    fn a_glyph_wider_than_the_line_still_gets_a_line() {
        assert_eq!(lines("WW", 0.1), ["W", "W"]);
    }

    #[test]
    fn missing_glyphs_become_question_marks_with_a_warning() {
        let mut diag = Diagnostics::default();
        let w = wrap("ok \u{1F525}\u{FE0F}!", Weight::Regular, 100.0, fonts().unwrap(), &mut diag);
        assert_eq!(w.line_texts(), ["ok ?!"]);
        let warnings = diag.into_warnings();
        assert_eq!(warnings, [crate::Warning::MissingGlyph { ch: '\u{1F525}', count: 1 }]);
    }
}
