//! Prints the console's key table as Markdown (pasted into the README; a test keeps them equal).
fn main() {
    print!("{}", support_console::tui::keymap::markdown_table());
}
