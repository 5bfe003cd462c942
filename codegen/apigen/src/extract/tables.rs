//! The raw layout of a converted document: lines, tab-separated tables and fenced blocks.
//!
//! Facts this relies on (see `../shared/docs/SURVEY.md` §1): a table row is one physical
//! line of tab-separated cells; the first line of a block is its header; a blank line ends
//! a block; a page break repeats the header row after a blank line (sometimes after a
//! dash separator row with no data). Fenced blocks (```) hold examples and may be split in
//! two by a page break. A revision may also break a table without repeating its header (a
//! page break or a stray blank line between two rows): such a block is read as rows of the
//! table above it, and the table records where (`headerless_continuations`), so the
//! extractor can point a reviewer at the line instead of dropping the rows.

/// A document split into lines; line numbers are 1-based everywhere.
#[derive(Debug, Clone)]
pub struct Document {
    lines: Vec<String>,
    /// Header lines of tables printed with runs of spaces for tabs (read as tabs).
    respaced: Vec<usize>,
    /// Lines that held the rest of a table cell (now joined onto its row, left blank).
    wrapped: Vec<bool>,
}

impl Document {
    /// The document's lines, CR line ends removed and prose paragraphs that a conversion
    /// wrapped over several lines joined (see [`unwrap_prose`]).
    pub fn new(text: &str) -> Document {
        let mut lines: Vec<String> = text
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect();
        let respaced = respace_tables(&mut lines);
        let wrapped = unwrap_cells(&mut lines);
        unwrap_prose(&mut lines);
        Document {
            lines,
            respaced,
            wrapped,
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Header lines (1-based) of tables printed with runs of spaces for tabs, read as tabs.
    pub fn respaced_tables(&self) -> &[usize] {
        &self.respaced
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The text of 1-based line `n` ("" past the end).
    pub fn line(&self, n: usize) -> &str {
        n.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Iterate `(line_number, text)` over 1-based lines `from..=to`.
    pub fn range(&self, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> {
        let to = to.min(self.lines.len());
        (from.max(1)..=to).map(move |n| (n, self.lines[n - 1].as_str()))
    }

    /// All fenced blocks in the document, in order.
    pub fn fences(&self) -> Vec<Fence> {
        let mut out = Vec::new();
        let mut open: Option<(usize, Vec<String>)> = None;
        for (i, line) in self.lines.iter().enumerate() {
            let n = i + 1;
            if line.trim_start().starts_with("```") {
                match open.take() {
                    None => open = Some((n, Vec::new())),
                    Some((start, body)) => out.push(Fence {
                        start,
                        end: n,
                        text: body.join("\n"),
                    }),
                }
            } else if let Some((_, body)) = open.as_mut() {
                // Runs of blank lines (a conversion's spacing, not content) count as one.
                let blank = line.trim().is_empty();
                if !(blank && body.last().is_none_or(String::is_empty)) {
                    body.push(if blank { String::new() } else { line.clone() });
                }
            }
        }
        for f in &mut out {
            while f.text.ends_with('\n') {
                f.text.pop();
            }
        }
        out
    }

    /// All tables of the document, with page-break continuations merged.
    pub fn tables(&self) -> Vec<Table> {
        let mut raw: Vec<Table> = Vec::new();
        let mut in_fence = false;
        let mut i = 0;
        while i < self.lines.len() {
            let line = &self.lines[i];
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
                i += 1;
                continue;
            }
            if in_fence || !line.contains('\t') {
                i += 1;
                continue;
            }
            // A block of consecutive tab lines: header + rows.
            let start = i + 1;
            let header = split_cells(line);
            let mut rows: Vec<Row> = Vec::new();
            let mut j = i + 1;
            while j < self.lines.len() && (self.lines[j].contains('\t') || self.wrapped[j]) {
                if self.wrapped[j] {
                    // The rest of a cell, joined onto its row by `unwrap_cells`.
                    if let Some(last) = rows.last_mut() {
                        last.end = j + 1;
                    }
                } else {
                    let cells = split_cells(&self.lines[j]);
                    if !is_separator_row(&cells) {
                        rows.push(Row {
                            line: j + 1,
                            end: j + 1,
                            cells,
                        });
                    }
                }
                j += 1;
            }
            let caption = self.caption_before(start);
            raw.push(Table {
                last_line: j,
                header_line: start,
                header,
                caption,
                rows,
                repeated_headers: Vec::new(),
                headerless_continuations: Vec::new(),
            });
            i = j;
        }
        let mut tables = merge_continuations(raw, self);
        for t in &mut tables {
            join_continuation_rows(t);
        }
        tables
    }

    /// The caption of a table: the nearest non-blank line above its header when that
    /// line looks like `Table 5-6 Name` / `表 5-6 名称`.
    fn caption_before(&self, header_line: usize) -> Option<Caption> {
        let mut n = header_line.checked_sub(1)?;
        while n >= 1 && self.line(n).trim().is_empty() {
            n -= 1;
        }
        if n == 0 {
            return None;
        }
        Caption::parse(self.line(n), n)
    }
}

/// Join the lines of a prose paragraph that a conversion wrapped (a PDF's or an editor's
/// line width) into its first line, leaving the continuation lines blank so that every
/// line number still points at the document's own line. The documents print a paragraph
/// on one line and put blank lines around blocks; a line continues the one above when
/// both are prose: not blank, no tab (a table row is always one line), not in a fence,
/// not a heading, list item, HTML block, request line (`GET /v2/…`) or example line, and
/// the line above is long enough to have been wrapped (a short line is a label or a
/// title: `URI`, `Status code: 200`). Two CJK characters join without a space, anything
/// else with one (a wrap breaks at a space where there is one).
fn unwrap_prose(lines: &mut [String]) {
    let mut in_fence = false;
    // The paragraph's first line, and the width of the physical line above.
    let mut head: Option<usize> = None;
    let mut above_width = 0;
    for i in 0..lines.len() {
        let t = lines[i].trim();
        let width = display_width(t);
        if t.starts_with("```") {
            in_fence = !in_fence;
            head = None;
            continue;
        }
        if in_fence || t.is_empty() || !is_prose(t) {
            head = None;
            continue;
        }
        match head {
            Some(h) if above_width >= WRAPPED_WIDTH && !starts_block(t) => {
                let part = t.to_string();
                let joined = &mut lines[h];
                joined.truncate(joined.trim_end().len());
                let cjk_seam = joined.chars().last().is_some_and(is_cjk)
                    && part.chars().next().is_some_and(is_cjk);
                if !cjk_seam {
                    joined.push(' ');
                }
                joined.push_str(&part);
                lines[i].clear();
            }
            _ => head = Some(i),
        }
        above_width = width;
    }
}

/// A wrapped line is at least this wide (display columns, CJK counting two).
const WRAPPED_WIDTH: usize = 20;

/// A line that may be part of a paragraph (as the first line or a continuation).
fn is_prose(t: &str) -> bool {
    !t.contains('\t') && !t.starts_with('#') && !is_request_line(t) && !t.starts_with('&')
}

/// A line that starts something of its own: a list item, an HTML block, a quote. (A
/// numbered heading never follows a prose line directly: blank lines surround headings, so
/// `2.3.33 and later` after a prose line is its continuation.)
fn starts_block(t: &str) -> bool {
    static ITEM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:[-*+•●·○▪–]\s|\d+[.)、](?:$|[^\d])|[a-zA-Z][.)]\s|o\s|[<|>])")
            .expect("regex")
    });
    ITEM.is_match(t)
}

/// `GET /v2/{project_id}/instances`, `POST https://{endpoint}/…`, `http(s)://[Endpoint]/?…`.
fn is_request_line(t: &str) -> bool {
    if t.starts_with("http://") || t.starts_with("https://") || t.starts_with("http(s)://") {
        return true;
    }
    let Some((m, rest)) = t.split_once(' ') else {
        return false;
    };
    crate::spec::model::Method::parse(m).is_some()
        && m.chars().all(|c| c.is_ascii_uppercase())
        && (rest.starts_with('/') || rest.starts_with("http"))
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}

/// A numbered section heading (`## 6.1. CreateZnode`, `5.2.1 Importing kie Configurations`);
/// each vendor reads its own heading style into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub line: usize,
    /// `6.1`, `5.2.1`, `16` (without a trailing dot).
    pub number: String,
    /// Text after the number, markup removed.
    pub title: String,
}

/// A fenced block: lines strictly between the fences.
#[derive(Debug, Clone, PartialEq)]
pub struct Fence {
    /// Line of the opening fence.
    pub start: usize,
    /// Line of the closing fence.
    pub end: usize,
    pub text: String,
}

/// `Table 5-6 GetKieConfigs` / `表 5-2 请求 Body 参数`.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub line: usize,
    /// `5-6`.
    pub number: String,
    /// `GetKieConfigs`, `Path parameters`, `请求 Body 参数`.
    pub title: String,
}

impl Caption {
    pub fn parse(line: &str, n: usize) -> Option<Caption> {
        let t = line.trim();
        let rest = t
            .strip_prefix("Table ")
            .or_else(|| t.strip_prefix("表"))?
            .trim_start();
        let (number, title) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let (a, b) = number.split_once('-')?;
        if a.is_empty()
            || b.is_empty()
            || !a.chars().all(|c| c.is_ascii_alphanumeric())
            || !b.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
        Some(Caption {
            line: n,
            number: number.to_string(),
            title: title.trim().to_string(),
        })
    }
}

/// One table row: the cells of one physical line.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    /// Last line of the row: `line`, or the last line its last cell was wrapped onto.
    pub end: usize,
    pub cells: Vec<String>,
}

/// A table after merging page-break continuations.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Line of the (first) header row.
    pub header_line: usize,
    /// Last line the table occupies (its last row, a header printed again, or the rest of
    /// a wrapped cell).
    pub last_line: usize,
    pub header: Vec<String>,
    pub caption: Option<Caption>,
    pub rows: Vec<Row>,
    /// Lines where the header was printed again after a page break.
    pub repeated_headers: Vec<usize>,
    /// First lines of blocks read as rows of this table although the header was not printed
    /// again above them (see the module docs).
    pub headerless_continuations: Vec<usize>,
}

impl Table {
    /// Index of the column whose header is one of `names` (compared without spaces).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| {
            let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
            names.iter().any(|n| {
                let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
                h.eq_ignore_ascii_case(&n)
            })
        })
    }

    /// The header cells joined by single spaces, for matching table kinds.
    pub fn header_text(&self) -> String {
        self.header.join(" ")
    }

    /// Last line the table occupies.
    pub fn end_line(&self) -> usize {
        self.last_line
    }
}

impl Row {
    /// Cell `i`, trimmed; "" when the row is short.
    pub fn cell(&self, i: Option<usize>) -> &str {
        i.and_then(|i| self.cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

/// Words of the parameter and error tables' headers, in the vendors' languages: a line of
/// nothing but these, spaced apart, is a table header printed without tabs.
const HEADER_WORDS: &[&str] = &[
    "名称",
    "类型",
    "是否必选",
    "是否必须",
    "必选",
    "示例值",
    "示例",
    "描述",
    "说明",
    "参数",
    "参数名",
    "参数类型",
    "默认值",
    "取值范围",
    "Parameter",
    "Name",
    "Type",
    "Required",
    "Mandatory",
    "Example",
    "Description",
    "Default",
    "HttpCode",
    "错误码",
    "错误信息",
    "Error code",
    "Error Code",
    "Error message",
    "Error Message",
    "Status Code",
    "状态码",
    "Solution",
    "处理措施",
];

/// Runs of two or more spaces (or full-width spaces) between cells.
static SPACE_RUN: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?: {2,}|\u{3000}+|\t)").expect("regex"));

/// Cells of a line spaced apart instead of tab-separated, for a table `width` wide: the
/// narrowest run is one cell boundary, a run k times as wide holds k - 1 empty cells (an
/// export that spaces uniformly), and what is past the last column stays in it.
fn spaced_cells(line: &str, width: Option<usize>) -> Vec<String> {
    let runs: Vec<(usize, usize)> = SPACE_RUN
        .find_iter(line.trim_end())
        .filter(|m| m.start() > 0)
        .map(|m| (m.start(), m.end()))
        .collect();
    let Some(narrowest) = runs.iter().map(|(a, z)| line[*a..*z].chars().count()).min() else {
        return vec![line.trim().to_string()];
    };
    let mut cells = Vec::new();
    let mut at = 0;
    for &(a, z) in &runs {
        cells.push(line[at..a].trim().to_string());
        let empties = line[a..z].chars().count() / narrowest - 1;
        cells.extend(std::iter::repeat_n(String::new(), empties));
        at = z;
    }
    cells.push(line[at..].trim().to_string());
    if let Some(w) = width.filter(|&w| w > 0 && cells.len() > w) {
        // Too many: the boundaries past the last column were the description's own spaces.
        let mut head: Vec<String> = Vec::new();
        let mut at = 0;
        for &(a, z) in runs.iter().take(w - 1) {
            head.push(line[at..a].trim().to_string());
            at = z;
        }
        head.push(line[at..].trim().to_string());
        return head;
    }
    cells
}

/// Tables an export printed with runs of spaces for tabs: a line of header words spaced
/// apart starts one, and its rows (up to a blank line) are split the same way (see
/// [`spaced_cells`]); lines that split into fewer than two cells are left (the rest of a
/// wrapped cell). Rows spaced apart below a tab-separated header are read too. Returns
/// the header lines (1-based) of tables read this way.
fn respace_tables(lines: &mut [String]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Width of the table being read and whether its header was spaced.
    let mut table: Option<usize> = None;
    for (i, line) in lines.iter_mut().enumerate() {
        let t = line.trim();
        if t.starts_with("```") {
            in_fence = !in_fence;
            table = None;
            continue;
        }
        if in_fence || t.is_empty() {
            table = None;
            continue;
        }
        if line.contains('\t') {
            let cells = split_cells(line);
            if table.is_none() && cells.iter().all(|c| HEADER_WORDS.contains(&c.as_str())) {
                table = Some(cells.len());
            }
            continue;
        }
        let cells = spaced_cells(line, table);
        if table.is_none() {
            if cells.len() >= 3 && cells.iter().all(|c| HEADER_WORDS.contains(&c.as_str())) {
                table = Some(cells.len());
                *line = cells.join("\t");
                out.push(i + 1);
            }
            continue;
        }
        if cells.len() >= 2 {
            *line = cells.join("\t");
        }
    }
    out
}

/// Join the rest of a table cell that an export wrapped onto lines of its own (no tab,
/// right below the row; today's documents never do this, SURVEY §1) onto the row's last
/// cell, leaving those lines blank so every line number still points at the document's
/// own line; returns which lines held such rests. Below a header printed again after a
/// page break, the rest belongs to the last row before the break (a description that
/// spans the break). Fences, headings, captions and status markers are never a rest.
fn unwrap_cells(lines: &mut [String]) -> Vec<bool> {
    let mut wrapped = vec![false; lines.len()];
    let mut in_fence = false;
    // The line a rest right below joins; the last data row, kept over a page break
    // (blank lines and page numbers); the first line of every block seen (a header).
    let mut row: Option<usize> = None;
    let mut last_row: Option<usize> = None;
    let mut in_block = false;
    let mut firsts: std::collections::HashSet<String> = Default::default();
    for i in 0..lines.len() {
        let t = lines[i].trim().to_string();
        if t.starts_with("```") {
            in_fence = !in_fence;
            (row, last_row, in_block) = (None, None, false);
            continue;
        }
        if in_fence {
            continue;
        }
        if lines[i].contains('\t') {
            if in_block {
                row = Some(i);
                last_row = Some(i);
            } else {
                let repeated = !firsts.insert(lines[i].clone());
                row = if repeated {
                    last_row.or(Some(i))
                } else {
                    Some(i)
                };
                if !repeated {
                    last_row = None;
                }
            }
            in_block = true;
            continue;
        }
        if let Some(r) = row.filter(|_| in_block && continues_cell(&t)) {
            join_wrapped(&mut lines[r], &t);
            lines[i].clear();
            wrapped[i] = true;
            continue;
        }
        in_block = false;
        row = None;
        if !t.is_empty() && !is_page_furniture(&t) {
            last_row = None;
        }
    }
    wrapped
}

/// A row whose only text is one cell, its first cell empty, is the rest of that cell of
/// the row above wrapped onto the next line or page (how some exports print a cell that
/// spans a page break): joined onto it. Rows that carry a first cell down (an empty first
/// cell and more than one cell of text, CSE's appendix) stay rows.
fn join_continuation_rows(t: &mut Table) {
    let mut rows: Vec<Row> = Vec::with_capacity(t.rows.len());
    for row in std::mem::take(&mut t.rows) {
        let filled: Vec<usize> = (0..row.cells.len())
            .filter(|&i| !row.cells[i].is_empty())
            .collect();
        let rest_of = match (rows.last_mut(), filled.as_slice()) {
            (Some(prev), &[i]) if i > 0 && row.cells.len() == prev.cells.len() => Some((prev, i)),
            _ => None,
        };
        match rest_of {
            Some((prev, i)) => {
                join_wrapped(&mut prev.cells[i], &row.cells[i]);
                prev.end = row.end;
            }
            None => rows.push(row),
        }
    }
    t.rows = rows;
}

/// A line that may hold the rest of a cell: not a fence, heading, caption or status
/// marker (which a table may touch).
fn continues_cell(t: &str) -> bool {
    !t.is_empty()
        && !t.starts_with("```")
        && !t.starts_with('#')
        && Caption::parse(t, 0).is_none()
        && !t.starts_with("Status code")
        && !t.starts_with("状态码")
}

/// Append a wrapped part to a line's last cell: two CJK characters join without a space.
fn join_wrapped(cell: &mut String, part: &str) {
    let cjk_seam =
        cell.chars().last().is_some_and(is_cjk) && part.chars().next().is_some_and(is_cjk);
    if !cell.ends_with('\t') && !cjk_seam {
        cell.push(' ');
    }
    cell.push_str(part);
}

fn split_cells(line: &str) -> Vec<String> {
    line.split('\t').map(|c| c.trim().to_string()).collect()
}

fn is_separator_row(cells: &[String]) -> bool {
    cells
        .iter()
        .all(|c| c.is_empty() || c.chars().all(|ch| ch == '-' || ch == ':'))
        && cells.iter().any(|c| c.starts_with('-'))
}

/// Merge a block into the previous table when it repeats the header with no caption of
/// its own and nothing but blank lines, page furniture or a separator block between them.
fn merge_continuations(raw: Vec<Table>, doc: &Document) -> Vec<Table> {
    // How many blocks start with each first line: a line that heads two blocks is a header
    // (a table layout the document repeats), one that heads a single block may be a row.
    let mut first_lines: std::collections::HashMap<Vec<String>, usize> = Default::default();
    for t in &raw {
        *first_lines.entry(t.header.clone()).or_default() += 1;
    }
    let mut out: Vec<Table> = Vec::new();
    for mut t in raw {
        if let Some(prev) = out.last_mut() {
            let same_header = prev.header == t.header;
            let gap_clean = doc
                .range(prev.end_line() + 1, t.header_line - 1)
                .all(|(_, l)| {
                    l.trim().is_empty() || is_page_furniture(l) || is_separator_row(&split_cells(l))
                });
            let header_only_prev = t.caption.is_none();
            if same_header && gap_clean && header_only_prev {
                prev.repeated_headers.push(t.header_line);
                prev.rows.extend(t.rows);
                prev.last_line = t.last_line;
                continue;
            }
            // The table broken without its header repeated: the block's first line is a row
            // of the same width, nothing but blank lines or page furniture between, no
            // caption of its own, and no other block starts with that line.
            let blank_between = prev.end_line() + 1 < t.header_line;
            if !same_header
                && blank_between
                && gap_clean
                && header_only_prev
                && t.header.len() == prev.header.len()
                && !is_separator_row(&t.header)
                && !is_contents(&t)
                && first_lines.get(&t.header) == Some(&1)
            {
                prev.headerless_continuations.push(t.header_line);
                prev.rows.push(Row {
                    line: t.header_line,
                    end: t.header_line,
                    cells: std::mem::take(&mut t.header),
                });
                prev.rows.extend(t.rows);
                prev.last_line = t.last_line;
                continue;
            }
            // A dash-only block (header + separator, no rows) followed by the real
            // continuation: drop the empty block's header, merge as above.
            if t.rows.is_empty()
                && t.header
                    .iter()
                    .all(|c| c.is_empty() || c.chars().all(|ch| ch == '-'))
            {
                continue;
            }
        }
        out.push(t);
    }
    out
}

/// A block of the contents pages (`5.2 Title.....\t62`: a title and a page number per
/// line): those pages break without a header, and they are not the document's tables.
fn is_contents(t: &Table) -> bool {
    let entry = |cells: &[String]| {
        cells.len() == 2
            && cells[1]
                .chars()
                .all(|c| c.is_ascii_digit() || "IVXivx".contains(c))
            && !cells[1].is_empty()
    };
    entry(&t.header) && t.rows.iter().all(|r| entry(&r.cells))
}

/// Lines a PDF conversion leaves between pages (lone page numbers).
fn is_page_furniture(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_page_break_continuation() {
        // `X Y` heads two blocks, so it is a header (a new table), not a row.
        let doc = Document::new(
            "名称\t类型\n A\tString\n\n名称\t类型\nB\tInteger\n\nX\tY\nc\td\n\nText\n\nX\tY\ne\tf\n",
        );
        let tables = doc.tables();
        assert_eq!(tables.len(), 3);
        assert_eq!(tables[0].rows.len(), 2);
        assert_eq!(tables[0].rows[1].line, 5);
        assert_eq!(tables[0].repeated_headers, vec![4]);
        assert!(tables[0].headerless_continuations.is_empty());
    }

    #[test]
    fn a_break_without_the_header_repeated_continues_the_table() {
        // A blank line, or a page number between blanks, inside a table: the rows after it
        // are the table's, and where it happened is recorded for a diagnostic.
        let doc = Document::new("N\tT\tD\na\tb\tc\n\nd\te\tf\n\n7\n\ng\th\ti\nj\tk\tl\n");
        let tables = doc.tables();
        assert_eq!(tables.len(), 1);
        let names: Vec<&str> = tables[0].rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(names, ["a", "d", "g", "j"]);
        assert_eq!(tables[0].headerless_continuations, vec![4, 8]);
        // Not across other text, a caption, another width or the contents pages.
        for text in [
            "N\tT\tD\na\tb\tc\n\nprose\n\nd\te\tf\n",
            "N\tT\tD\na\tb\tc\n\nTable 1-2 B\n\nd\te\tf\n",
            "N\tT\tD\na\tb\tc\n\nd\te\n",
            "1 Intro\t1\n2 Calls\t3\n\n3 Errors.....\t9\n",
        ] {
            assert_eq!(Document::new(text).tables().len(), 2, "{text:?}");
        }
    }

    #[test]
    fn a_cell_wrapped_onto_its_own_line_stays_in_its_row() {
        // The rest of a description below its row (English at a space, CJK without), and
        // below a header printed again after a page break (the row before the break's).
        let doc = Document::new(
            "N\tT\tD\na\tString\tThe first part\nand the rest.\nb\tString\t中文描述\n的其余部分\n\n12\n\nN\tT\tD\n跨页的部分\nc\tInteger\tlast\n\nText after.\n",
        );
        let tables = doc.tables();
        assert_eq!(tables.len(), 1);
        let rows: Vec<(&str, &str, usize)> = tables[0]
            .rows
            .iter()
            .map(|r| (r.cells[0].as_str(), r.cells[2].as_str(), r.line))
            .collect();
        assert_eq!(
            rows,
            [
                ("a", "The first part and the rest.", 2),
                ("b", "中文描述的其余部分跨页的部分", 4),
                ("c", "last", 11)
            ]
        );
        assert_eq!(tables[0].rows[0].end, 3);
        // The rest's line is left blank, so it is nobody's heading or paragraph.
        assert_eq!(doc.line(3), "");
        assert_eq!(doc.line(13), "Text after.");
        // A heading or fence right below a table is not a rest.
        let doc = Document::new("N\tT\na\tb\n## 2. Next\n```\n{}\n```\n");
        assert_eq!(doc.tables()[0].rows[0].cells[1], "b");
        assert_eq!(doc.line(3), "## 2. Next");
    }

    #[test]
    fn a_table_spaced_apart_is_read_as_tab_separated() {
        // Header words spaced apart start a table; a run twice as wide holds an empty
        // cell; spaces past the last column stay in the description; a wrapped rest (one
        // cell) is left to join its row.
        let doc = Document::new(
            "名称  类型  示例值  描述\nData  Struct    数据。\nName  String  n1  名称，  见下。\n的其余部分\n\nprose  with  spaces\n",
        );
        let t = &doc.tables()[0];
        let rows: Vec<Vec<&str>> = t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["Data", "Struct", "", "数据。"],
                vec!["Name", "String", "n1", "名称，  见下。的其余部分"]
            ]
        );
        assert_eq!(doc.respaced_tables(), [1]);
        assert_eq!(doc.line(6), "prose  with  spaces");
    }

    #[test]
    fn captioned_block_with_same_header_is_a_new_table() {
        let doc = Document::new("Table 1-1 A\n\nP\tT\na\tb\n\nTable 1-2 B\n\nP\tT\nc\td\n");
        let tables = doc.tables();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[1].caption.as_ref().unwrap().title, "B");
        assert_eq!(tables[1].caption.as_ref().unwrap().number, "1-2");
    }

    #[test]
    fn dash_only_fragment_is_skipped() {
        let doc = Document::new("N\tT\na\tb\n\n----\t----\n\nN\tT\nc\td\n");
        let tables = doc.tables();
        assert_eq!(tables.len(), 1);
        assert_eq!(tables[0].rows.len(), 2);
    }

    #[test]
    fn fences_are_found_and_tables_inside_ignored() {
        let doc = Document::new("```\na\tb\n```\nx\n```\n{}\n```\n");
        assert!(doc.tables().is_empty());
        let f = doc.fences();
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].start, 5);
        assert_eq!(f[1].text, "{}");
    }

    #[test]
    fn wrapped_prose_is_joined_onto_its_first_line() {
        // English at a space, Chinese between two characters; the continuation lines stay
        // (blank) so later line numbers are the document's.
        let doc = Document::new(
            "## 5.1. StartInstance\r\n\r\nYou can call this operation to deploy a Message\r\nQueue for Apache Kafka instance.\r\n\r\n调用CreateSlbAP创建一个SLB接入。通过SLB接入将部署在容器服务内的服\n务暴露并对外提供服务。\nName\tType\n",
        );
        assert_eq!(
            doc.line(3),
            "You can call this operation to deploy a Message Queue for Apache Kafka instance."
        );
        assert_eq!(doc.line(4), "");
        assert_eq!(
            doc.line(6),
            "调用CreateSlbAP创建一个SLB接入。通过SLB接入将部署在容器服务内的服务暴露并对外提供服务。"
        );
        assert_eq!(doc.line(7), "");
        assert_eq!(doc.line(8), "Name\tType");
    }

    #[test]
    fn labels_lists_request_lines_and_tables_are_not_joined() {
        let text = "URI\nGET /v1.0/{project_id}/instances?\nengine={engine}\nStatus code: 200\nThe following are the available tag names and their values:\n- metricCategory: the category.\n- alertEnable: whether alerts are enabled.\n\nA paragraph long enough to have been wrapped by a PDF\nPOST https://{endpoint}/v2/{project_id}/instances\n```\nA fenced line that is long enough to be wrapped\nand its next line\n```\nA paragraph long enough to have been wrapped by a PDF\nName\tType\n";
        let doc = Document::new(text);
        for (n, l) in text.lines().enumerate() {
            assert_eq!(doc.line(n + 1), l, "line {} changed", n + 1);
        }
    }

    #[test]
    fn blank_line_runs_in_fences_count_once() {
        let doc = Document::new("```\n\n{\n  \n\n  \"a\": 1\n}\n\n```\n");
        assert_eq!(doc.fences()[0].text, "{\n\n  \"a\": 1\n}");
    }

    #[test]
    fn columns_by_header_text() {
        let doc = Document::new("参数\t类型\t是否必选\t说明\na\tString\t是\tx\n");
        let t = &doc.tables()[0];
        assert_eq!(t.column(&["是否必选", "必选"]), Some(2));
        assert_eq!(t.rows[0].cell(t.column(&["类型", "参数类型"])), "String");
    }
}
