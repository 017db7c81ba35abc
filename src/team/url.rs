//! The team database's address: a PostgreSQL URL (`postgres://user@host:port/db?sslmode=…`)
//! or `key=value` string, as libpq reads it, with the parts libpq reads that the driver does
//! not: `sslmode=verify-ca|verify-full`, `sslrootcert`, `passfile`, and the password from
//! `PGPASSWORD` or the password file (`PGPASSFILE`, else `~/.pgpass`).
//!
//! A password is never shown: [`TeamUrl`]'s `Display` and every message name the server
//! by user, host, port and database only.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_postgres::config::{Config, Host, SslMode};

use super::TeamError;

/// How long a connection attempt may take before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How the connection is encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// `sslmode=disable`.
    Off,
    /// `prefer` (the default) or `require`: encrypted (required or when the server offers
    /// it); the certificate is checked only against a root certificate named with
    /// `sslrootcert`, as libpq does.
    Encrypt {
        required: bool,
        root: Option<PathBuf>,
    },
    /// `verify-ca` (the chain) or `verify-full` (the chain and the host name): against the
    /// root certificate of `sslrootcert`, else `~/.postgresql/root.crt`.
    Verify { root: PathBuf, host_name: bool },
}

/// A team database to connect to.
#[derive(Clone)]
pub struct TeamUrl {
    pub(crate) config: Config,
    pub(crate) tls: Tls,
    /// `host:port/db`: what the console's log keys the events pushed there by (the same
    /// database under another login is the same team).
    key: String,
}

impl fmt::Debug for TeamUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TeamUrl({})", self.key)
    }
}

impl fmt::Display for TeamUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl TeamUrl {
    /// Reads a team database's address; the password comes from it, else `PGPASSWORD`,
    /// else the password file.
    pub fn parse(text: &str) -> Result<Self, TeamError> {
        let text = text.trim();
        let (stripped, extras) = take_extras(text);
        let mut config: Config = stripped.parse().map_err(|_| {
            TeamError::Address(format!(
                "팀 데이터베이스 주소를 읽을 수 없습니다 ({}): postgres://사용자@호스트:포트/데이터베이스 형식으로 쓰세요",
                redact(text)
            ))
        })?;
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER")
                .ok()
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "postgres".to_owned());
            config.user(user);
        }
        if config.get_hosts().is_empty() {
            config.host(std::env::var("PGHOST").unwrap_or_else(|_| "localhost".to_owned()));
        }
        if config.get_dbname().is_none()
            && let Some(user) = config.get_user().map(str::to_owned)
        {
            config.dbname(user);
        }
        config.connect_timeout(CONNECT_TIMEOUT);
        config.application_name("support-console");
        let tls = match extras.sslmode.as_deref() {
            None | Some("prefer" | "allow") => Tls::Encrypt {
                required: false,
                root: extras.root.clone(),
            },
            Some("disable") => Tls::Off,
            Some("require") => Tls::Encrypt {
                required: true,
                root: extras.root.clone(),
            },
            Some(mode @ ("verify-ca" | "verify-full")) => Tls::Verify {
                root: extras
                    .root
                    .clone()
                    .or_else(|| home().map(|h| h.join(".postgresql/root.crt")))
                    .ok_or_else(|| {
                        TeamError::Address(
                            "sslrootcert가 없고 HOME도 없어 서버 인증서를 확인할 수 없습니다"
                                .into(),
                        )
                    })?,
                host_name: mode == "verify-full",
            },
            Some(other) => {
                return Err(TeamError::Address(format!(
                    "sslmode \"{}\"는 알 수 없는 값입니다 (disable, prefer, require, verify-ca, verify-full)",
                    crate::text::visible_line(other)
                )));
            }
        };
        config.ssl_mode(match tls {
            Tls::Off => SslMode::Disable,
            Tls::Encrypt {
                required: false, ..
            } => SslMode::Prefer,
            _ => SslMode::Require,
        });
        let key = key_of(&config);
        if config.get_password().is_none() {
            if let Some(password) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
                config.password(password);
            } else if let Some(password) = password_file(&config, extras.passfile.as_deref()) {
                config.password(password);
            }
        }
        Ok(Self { config, tls, key })
    }

    /// `host:port/db`, never a user or password.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// What libpq reads from a URL that the driver does not.
#[derive(Debug, Default)]
struct Extras {
    sslmode: Option<String>,
    root: Option<PathBuf>,
    passfile: Option<PathBuf>,
}

/// Takes `sslmode`, `sslrootcert` and `passfile` out of a URL's query or a `key=value`
/// string (the driver refuses what it does not know), and hands back the rest.
fn take_extras(text: &str) -> (String, Extras) {
    let mut extras = Extras::default();
    let mut take = |key: &str, value: &str| -> bool {
        let value = percent_decode(value);
        match key {
            "sslmode" => extras.sslmode = Some(value),
            "sslrootcert" => extras.root = Some(PathBuf::from(value)),
            "passfile" => extras.passfile = Some(PathBuf::from(value)),
            _ => return false,
        }
        true
    };
    if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        let Some((base, query)) = text.split_once('?') else {
            return (text.to_owned(), extras);
        };
        let kept: Vec<&str> = query
            .split('&')
            .filter(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                !take(key, value)
            })
            .collect();
        if kept.is_empty() {
            return (base.to_owned(), extras);
        }
        return (format!("{base}?{}", kept.join("&")), extras);
    }
    let kept: Vec<&str> = text
        .split_whitespace()
        .filter(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            !take(key.trim(), value.trim().trim_matches('\''))
        })
        .collect();
    (kept.join(" "), extras)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The address with any password replaced, for a message about an address that could not
/// be read.
pub fn redact(text: &str) -> String {
    let mut shown = text.to_owned();
    if let Some(scheme_end) = shown.find("://") {
        let rest = &shown[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let start = scheme_end + 3 + colon + 1;
            let end = scheme_end + 3 + at;
            shown.replace_range(start..end, "****");
        }
    }
    // `password=…` in a query or a key=value string.
    let mut out = String::new();
    for (n, part) in shown.split(['&', ' ']).enumerate() {
        if n > 0 {
            out.push(' ');
        }
        if part.starts_with("password=") {
            out.push_str("password=****");
        } else {
            out.push_str(part);
        }
    }
    crate::text::visible_line(&out).into_owned()
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

fn host_name(config: &Config) -> (String, bool) {
    match config.get_hosts().first() {
        Some(Host::Tcp(host)) => (host.clone(), false),
        #[cfg(unix)]
        Some(Host::Unix(path)) => (path.display().to_string(), true),
        None => ("localhost".to_owned(), false),
    }
}

fn key_of(config: &Config) -> String {
    let (host, _) = host_name(config);
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or(""))
}

/// The password for this server in the password file, as libpq reads it: lines
/// `host:port:database:user:password`, `*` matching anything, `\` escaping `:` and `\`; a
/// Unix socket matches `localhost`. A file that others may read is ignored, as libpq does.
fn password_file(config: &Config, named: Option<&Path>) -> Option<String> {
    let path = named
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PGPASSFILE").map(PathBuf::from))
        .or_else(|| home().map(|h| h.join(".pgpass")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let (host, socket) = host_name(config);
    let host = if socket { "localhost".to_owned() } else { host };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let wanted = [
        host.as_str(),
        port.as_str(),
        config.get_dbname().unwrap_or(""),
        config.get_user().unwrap_or(""),
    ];
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = pgpass_fields(line);
            if fields.len() < 5 {
                return None;
            }
            let matches = wanted
                .iter()
                .zip(&fields)
                .all(|(want, field)| field == "*" || field == want);
            matches.then(|| fields[4..].join(":"))
        })
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(field) = fields.last_mut()
                {
                    field.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact("postgres://agent:s3cret@db.example:5432/team?sslmode=require"),
            "postgres://agent:****@db.example:5432/team?sslmode=require"
        );
        assert_eq!(
            redact("host=db user=agent password=s3cret"),
            "host=db user=agent password=****"
        );
        let url = TeamUrl::parse("postgres://agent:s3cret@db.example:6543/team").unwrap();
        assert_eq!(url.to_string(), "db.example:6543/team");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn ssl_modes_are_read_as_libpq_reads_them() {
        let url = TeamUrl::parse("postgres://a@h/d?sslmode=require").unwrap();
        assert_eq!(
            url.tls,
            Tls::Encrypt {
                required: true,
                root: None
            }
        );
        let url =
            TeamUrl::parse("postgres://a@h/d?sslmode=verify-full&sslrootcert=/r.crt").unwrap();
        assert_eq!(
            url.tls,
            Tls::Verify {
                root: PathBuf::from("/r.crt"),
                host_name: true
            }
        );
        assert!(TeamUrl::parse("postgres://a@h/d?sslmode=maybe").is_err());
    }

    #[test]
    fn the_password_file_is_read_with_wildcards_and_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:*:nope\ndb.example:*:team:agent:pa\\:ss:word\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let config: Config = "postgres://agent@db.example/team".parse().unwrap();
        assert_eq!(
            password_file(&config, Some(&file)).as_deref(),
            Some("pa:ss:word")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(password_file(&config, Some(&file)), None);
        }
    }
}
