//! The console's styles, built once at start and handed to every pane: no pane picks a
//! colour of its own. Two palettes, one for dark terminals and one for light ones, each
//! painting its own background so that every text keeps a contrast of at least 4.5:1
//! (WCAG AA) whatever the terminal's colours; a test measures every cell of every pane.
//! Colours are from the 256-colour table's fixed part (16–255), whose values every
//! terminal shares, unlike the 16 colours a terminal theme redefines. With `NO_COLOR` set
//! there is no colour at all: bold, underline, reverse and dim say what colour would.

use ratatui::style::{Color, Modifier, Style};

/// Which palette: for a dark or a light terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Dark,
    Light,
}

/// The colours of a palette, as 256-colour indices.
#[derive(Debug, Clone, Copy)]
struct Colors {
    background: u8,
    text: u8,
    dim: u8,
    heading: u8,
    accent: u8,
    link: u8,
    ok: u8,
    warn: u8,
    error: u8,
    /// The selected row of the focused pane: its text and background.
    selected_text: u8,
    selected_background: u8,
    /// A status badge: its text and background.
    badge_text: u8,
    badge_background: u8,
}

const DARK: Colors = Colors {
    background: 234,
    text: 252,
    dim: 246,
    heading: 80,
    accent: 221,
    link: 75,
    ok: 114,
    warn: 214,
    error: 210,
    selected_text: 234,
    selected_background: 110,
    badge_text: 255,
    badge_background: 124,
};

const LIGHT: Colors = Colors {
    background: 255,
    text: 235,
    dim: 240,
    heading: 24,
    accent: 94,
    link: 25,
    ok: 22,
    warn: 94,
    error: 124,
    selected_text: 255,
    selected_background: 24,
    badge_text: 255,
    badge_background: 124,
};

/// Styles: a palette's colours, or none when `NO_COLOR` is set.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    palette: Palette,
}

impl Theme {
    /// The dark palette with colour, or none at all.
    pub fn new(color: bool) -> Self {
        Self {
            color,
            palette: Palette::Dark,
        }
    }

    pub fn with_palette(color: bool, palette: Palette) -> Self {
        Self { color, palette }
    }

    /// Colour unless `NO_COLOR` is set (to anything but the empty string), dark palette.
    pub fn from_env() -> Self {
        Self::new(no_color_unset())
    }

    pub fn color(self) -> bool {
        self.color
    }

    pub fn palette(self) -> Palette {
        self.palette
    }

    fn colors(self) -> Colors {
        match self.palette {
            Palette::Dark => DARK,
            Palette::Light => LIGHT,
        }
    }

    fn fg(self, pick: fn(Colors) -> u8) -> Style {
        if self.color {
            Style::new().fg(Color::Indexed(pick(self.colors())))
        } else {
            Style::new()
        }
    }

    /// What the whole screen is painted with before anything is drawn: the palette's text
    /// on its background (nothing without colour: the terminal's own).
    pub fn base(self) -> Style {
        if self.color {
            let colors = self.colors();
            Style::new()
                .fg(Color::Indexed(colors.text))
                .bg(Color::Indexed(colors.background))
        } else {
            Style::new()
        }
    }

    /// The foreground and background as RGB, for a test that measures contrast (a
    /// 256-colour index of the fixed part has one value everywhere).
    pub fn rgb(self, color: Color, foreground: bool) -> (u8, u8, u8) {
        let colors = self.colors();
        let index = match color {
            Color::Indexed(index) => index,
            Color::Reset if foreground => colors.text,
            _ => colors.background,
        };
        indexed_rgb(index)
    }

    /// The SGR parameters that draw a link as the frame does (for hyperlinks written over
    /// a frame): underlined, in the link colour on the background.
    pub fn link_sgr(self) -> String {
        if self.color {
            let colors = self.colors();
            format!("4;38;5;{};48;5;{}", colors.link, colors.background)
        } else {
            "4".to_owned()
        }
    }

    pub fn normal(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        if self.color {
            self.fg(|c| c.dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn strong(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn heading(self) -> Style {
        self.fg(|c| c.heading).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(|c| c.accent).add_modifier(Modifier::BOLD)
    }

    /// Scripts read out to the driver: the palette's own text colour, bold, so that they
    /// stand out on a light terminal as on a dark one.
    pub fn script(self) -> Style {
        self.fg(|c| c.text).add_modifier(Modifier::BOLD)
    }

    pub fn link(self) -> Style {
        self.fg(|c| c.link).add_modifier(Modifier::UNDERLINED)
    }

    pub fn ok(self) -> Style {
        self.fg(|c| c.ok).add_modifier(Modifier::BOLD)
    }

    pub fn warn(self) -> Style {
        self.fg(|c| c.warn).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(|c| c.error).add_modifier(Modifier::BOLD)
    }

    pub fn editing(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The selected row: the selection's colours when its pane has focus (reversed without
    /// colour), bold and underlined otherwise.
    pub fn selected(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => {
                let colors = self.colors();
                Style::new()
                    .fg(Color::Indexed(colors.selected_text))
                    .bg(Color::Indexed(colors.selected_background))
            }
            (true, false) => Style::new().add_modifier(Modifier::REVERSED),
            (false, _) => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// Matched characters of a search hit, on top of the row's style: in the accent colour,
    /// or (on a selected row, whose colours are the selection's) bold and underlined only.
    pub fn matched(self, base: Style) -> Style {
        let marked = if base.bg.is_some() {
            base
        } else {
            base.patch(self.fg(|c| c.accent))
        };
        marked.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn badge(self) -> Style {
        if self.color {
            let colors = self.colors();
            Style::new()
                .fg(Color::Indexed(colors.badge_text))
                .bg(Color::Indexed(colors.badge_background))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
}

/// Whether `NO_COLOR` leaves colour on (unset, or set to the empty string).
pub fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The RGB value of a 256-colour index from the fixed part of the table (16–255); the 16
/// colours below it are the terminal's own, given their xterm defaults.
pub fn indexed_rgb(index: u8) -> (u8, u8, u8) {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    const SYSTEM: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 0, 0),
        (0, 205, 0),
        (205, 205, 0),
        (0, 0, 238),
        (205, 0, 205),
        (0, 205, 205),
        (229, 229, 229),
        (127, 127, 127),
        (255, 0, 0),
        (0, 255, 0),
        (255, 255, 0),
        (92, 92, 255),
        (255, 0, 255),
        (0, 255, 255),
        (255, 255, 255),
    ];
    match index {
        0..=15 => SYSTEM[usize::from(index)],
        16..=231 => {
            let n = usize::from(index - 16);
            (LEVELS[n / 36], LEVELS[(n / 6) % 6], LEVELS[n % 6])
        }
        _ => {
            let v = 8 + 10 * (index - 232);
            (v, v, v)
        }
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_ratio_are_the_standard_ones() {
        assert_eq!(indexed_rgb(16), (0, 0, 0));
        assert_eq!(indexed_rgb(231), (255, 255, 255));
        assert_eq!(indexed_rgb(24), (0, 95, 135));
        assert_eq!(indexed_rgb(232), (8, 8, 8));
        assert_eq!(indexed_rgb(255), (238, 238, 238));
        let ratio = contrast((0, 0, 0), (255, 255, 255));
        assert!((ratio - 21.0).abs() < 1e-9);
        assert!((contrast((119, 119, 119), (255, 255, 255)) - 4.48).abs() < 0.01);
    }
}
