//! Finds where a JSON path lies in a file's text, so that a problem found after parsing
//! (a dangling reference, a threshold out of range) can still name its line and column.
//!
//! Only called when reporting a problem: a small scanner over the raw text, no allocation
//! for values it skips.

use std::fmt;

/// One step of a JSON path. Keys are the schema's own field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Deeper than any path of the content schema (`qa[1].sections[0].items[2].text` is 7).
const MAX_DEPTH: usize = 8;

/// A JSON path such as `qa[1].sms_templates[0]`.
///
/// Held inline and `Copy`: the validator builds one for every field it checks, and only the
/// few that name a problem are ever printed, so building one must not allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonPath {
    segs: [Seg; MAX_DEPTH],
    len: usize,
}

impl Default for JsonPath {
    fn default() -> Self {
        Self::root()
    }
}

impl JsonPath {
    pub fn root() -> Self {
        Self {
            segs: [Seg::Index(0); MAX_DEPTH],
            len: 0,
        }
    }

    pub fn segs(&self) -> &[Seg] {
        &self.segs[..self.len]
    }

    #[must_use]
    pub fn key(&self, key: &'static str) -> Self {
        self.push(Seg::Key(key))
    }

    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        self.push(Seg::Index(index))
    }

    /// A step past the schema's depth is dropped: the path then names the nearest ancestor,
    /// which still points the author at the right place.
    fn push(&self, seg: Seg) -> Self {
        let mut path = *self;
        if let Some(slot) = path.segs.get_mut(path.len) {
            *slot = seg;
            path.len += 1;
        }
        path
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("(document)");
        }
        for (n, seg) in self.segs().iter().enumerate() {
            match seg {
                Seg::Key(key) if n == 0 => f.write_str(key)?,
                Seg::Key(key) => write!(f, ".{key}")?,
                Seg::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Line and column (both 1-based, column in characters) of the value at `path`, if present.
pub fn locate(text: &str, path: &JsonPath) -> Option<(usize, usize)> {
    locate_all(text, std::slice::from_ref(path))[0]
}

/// Line and column of the value at each of `paths`, in one pass over `text`: the scanner
/// descends only into values on the way to a wanted path and skips the rest, so placing
/// twenty thousand problems costs one reading of the file, not one each.
pub fn locate_all(text: &str, paths: &[JsonPath]) -> Vec<Option<(usize, usize)>> {
    let mut trie = Trie::default();
    for (index, path) in paths.iter().enumerate() {
        let mut node = &mut trie;
        for seg in path.segs() {
            node = node.children.entry(*seg).or_default();
        }
        node.wanted.push(index);
    }
    let mut offsets: Vec<Option<usize>> = vec![None; paths.len()];
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    scanner.find_all(&trie, &mut offsets);
    // Byte offsets to line and column, walking the text once in offset order.
    let mut order: Vec<(usize, usize)> = offsets
        .iter()
        .enumerate()
        .filter_map(|(index, offset)| offset.map(|o| (o, index)))
        .collect();
    order.sort_unstable();
    // The column is carried along too (a character starts at every byte that is not a
    // UTF-8 continuation byte): counted again from each line's start, twenty thousand
    // problems on one 31 MB line would cost a reading of the line each.
    let mut places = vec![None; paths.len()];
    let (mut line, mut column, mut done) = (1, 1, 0);
    for (offset, index) in order {
        let offset = floor_char_boundary(text, offset).max(done);
        for byte in &text.as_bytes()[done..offset] {
            if *byte == b'\n' {
                line += 1;
                column = 1;
            } else if byte & 0xC0 != 0x80 {
                column += 1;
            }
        }
        done = offset;
        places[index] = Some((line, column));
    }
    places
}

/// The wanted paths as a tree: each node lists the paths that end there.
#[derive(Default)]
struct Trie {
    children: std::collections::HashMap<Seg, Trie>,
    wanted: Vec<usize>,
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line and column (1-based, column counted in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Records the offset of every wanted value under `node`, starting from the value at the
    /// current position; leaves the position after that value.
    fn find_all(&mut self, node: &Trie, offsets: &mut [Option<usize>]) -> Option<()> {
        self.skip_ws();
        for &index in &node.wanted {
            offsets[index] = Some(self.pos);
        }
        if node.children.is_empty() {
            return self.skip_value();
        }
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        self.pos += 1;
                        return Some(());
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    let child = node
                        .children
                        .iter()
                        .find(|(seg, _)| matches!(seg, Seg::Key(k) if *k == key));
                    match child {
                        Some((_, child)) => self.find_all(child, offsets)?,
                        None => self.skip_value()?,
                    }
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(());
                    }
                    match node.children.get(&Seg::Index(index)) {
                        Some(child) => self.find_all(child, offsets)?,
                        None => self.skip_value()?,
                    }
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {}
                        _ => return None,
                    }
                    index += 1;
                }
            }
            _ => self.skip_value(),
        }
    }

    /// Reads a string token and returns its raw contents (escapes left as written; keys in
    /// this project's content are plain ASCII).
    fn string(&mut self) -> Option<&'a str> {
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    let raw = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
                    self.pos += 1;
                    return Some(raw);
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek()? {
                        c if c == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": {\"d\": [true, \"한글\", 3]}\n}";
        let path = JsonPath::root().key("c").key("d").index(2);
        assert_eq!(locate(text, &path), Some((3, 27)));
        let path = JsonPath::root().key("a").index(1).key("b");
        assert_eq!(locate(text, &path), Some((2, 18)));
        assert_eq!(locate(text, &JsonPath::root().key("zz")), None);
        assert_eq!(path.to_string(), "a[1].b");
    }

    #[test]
    fn survives_garbage() {
        for text in ["", "{", "[", "{\"a\"", "{\"a\":", "\"", "{\"a\":[1,"] {
            let _ = locate(text, &JsonPath::root().key("a").index(3));
        }
    }
}
