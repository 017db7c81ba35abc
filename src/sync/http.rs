//! The help centre's API over HTTP (ureq, blocking, rustls): one GET at a time, with the
//! credentials from the environment, 429 and `Retry-After` honoured up to a bound, and
//! transient failures (5xx, timeouts, resets) tried again with a growing wait. Credentials
//! go only to the help centre's own address: `next_page` links are followed by their path on
//! that address, redirects keep them only on the same host, and plain `http` is refused
//! except on this machine (a test's stand-in).

use std::fmt;
use std::time::Duration;

use ureq::http::Uri;

use super::error::{ErrorKind, SyncError};

/// The environment variables credentials come from (never the command line: it shows in
/// `ps` and in shell histories).
pub const EMAIL_VAR: &str = "ZENDESK_EMAIL";
pub const API_TOKEN_VAR: &str = "ZENDESK_API_TOKEN";
pub const OAUTH_TOKEN_VAR: &str = "ZENDESK_OAUTH_TOKEN";

/// How the sync signs its requests. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    header: String,
    kind: &'static str,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, ***)", self.kind)
    }
}

impl Credentials {
    /// An agent's API token: Basic `email/token:TOKEN`.
    pub fn api_token(email: &str, token: &str) -> Self {
        use base64::Engine as _;
        let pair = format!("{email}/token:{token}");
        Self {
            header: format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ),
            kind: "api-token",
        }
    }

    /// An OAuth access token: Bearer.
    pub fn oauth(token: &str) -> Self {
        Self {
            header: format!("Bearer {token}"),
            kind: "oauth",
        }
    }

    /// From the environment: `ZENDESK_OAUTH_TOKEN`, or `ZENDESK_EMAIL` with
    /// `ZENDESK_API_TOKEN`.
    pub fn from_env() -> Result<Self, SyncError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`Credentials::from_env`], from `get` (a test's own environment).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, SyncError> {
        let value = |name: &str| -> Result<Option<String>, SyncError> {
            match get(name).map(|v| v.trim().to_owned()) {
                None => Ok(None),
                Some(v) if v.is_empty() => Ok(None),
                // Never echoed: the value is a secret (or holds one).
                Some(v) if !v.chars().all(|c| c.is_ascii_graphic()) => Err(SyncError::new(
                    ErrorKind::Credentials,
                    format!(
                        "환경 변수 {name}에 쓸 수 없는 글자가 있습니다 (공백·한글·제어 문자 없이 다시 넣으세요)"
                    ),
                )),
                Some(v) => Ok(Some(v)),
            }
        };
        if let Some(token) = value(OAUTH_TOKEN_VAR)? {
            return Ok(Self::oauth(&token));
        }
        match (value(EMAIL_VAR)?, value(API_TOKEN_VAR)?) {
            (Some(email), Some(token)) => Ok(Self::api_token(&email, &token)),
            (Some(_), None) => Err(SyncError::new(
                ErrorKind::Credentials,
                format!(
                    "환경 변수 {API_TOKEN_VAR}가 없습니다 ({EMAIL_VAR}와 함께 API 토큰을 넣으세요)"
                ),
            )),
            (None, Some(_)) => Err(SyncError::new(
                ErrorKind::Credentials,
                format!(
                    "환경 변수 {EMAIL_VAR}가 없습니다 ({API_TOKEN_VAR}와 함께 상담원 이메일을 넣으세요)"
                ),
            )),
            (None, None) => Err(SyncError::new(
                ErrorKind::Credentials,
                format!(
                    "인증 정보가 없습니다: 환경 변수 {EMAIL_VAR}와 {API_TOKEN_VAR}, 또는 {OAUTH_TOKEN_VAR}를 넣으세요 (명령줄에는 넣지 않습니다)"
                ),
            )),
        }
    }
}

/// A help centre's address: its scheme and host (and port), nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpCentre {
    origin: String,
    loopback: bool,
}

impl HelpCentre {
    /// `https://example.zendesk.com` (a trailing `/`, or the help centre's own `/hc/…`
    /// pages, are fine: the API is at the host's root).
    pub fn parse(text: &str) -> Result<Self, SyncError> {
        let text = text.trim();
        let bad = |why: &str| {
            SyncError::input(format!(
                "--from 주소를 쓸 수 없습니다: {why} (예: https://example.zendesk.com)"
            ))
        };
        let uri = Uri::try_from(text).map_err(|_| bad("주소 형식이 아닙니다"))?;
        let scheme = uri
            .scheme_str()
            .map(str::to_ascii_lowercase)
            .ok_or_else(|| bad("https://로 시작해야 합니다"))?;
        if scheme != "https" && scheme != "http" {
            return Err(bad("https 주소여야 합니다"));
        }
        let authority = uri.authority().ok_or_else(|| bad("서버 이름이 없습니다"))?;
        if authority.as_str().contains('@') {
            return Err(bad(
                "주소에 인증 정보를 넣지 마세요 (환경 변수 ZENDESK_EMAIL, ZENDESK_API_TOKEN으로 줍니다)",
            ));
        }
        let path = uri.path();
        if !(path.is_empty() || path == "/" || path.starts_with("/hc")) {
            return Err(bad("도움말 센터의 주소(서버 이름까지)만 씁니다"));
        }
        if uri.query().is_some() {
            return Err(bad("주소에 ?로 시작하는 부분을 빼세요"));
        }
        let host = authority
            .host()
            .trim_matches(['[', ']'])
            .to_ascii_lowercase();
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if scheme == "http" && !loopback {
            return Err(bad(
                "암호화되지 않은 http로는 인증 정보를 보내지 않습니다: https 주소를 쓰세요",
            ));
        }
        Ok(Self {
            origin: format!("{scheme}://{}", authority.as_str().to_ascii_lowercase()),
            loopback,
        })
    }

    /// `https://example.zendesk.com`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path and query of a `next_page` link, to ask this help centre for: the link's
    /// own host is never contacted (the credentials go to this address only).
    pub fn path_of(&self, link: &str) -> Option<String> {
        let link = link.trim();
        let path = if link.starts_with('/') {
            link.to_owned()
        } else {
            let uri = Uri::try_from(link).ok()?;
            uri.path_and_query()?.as_str().to_owned()
        };
        path.starts_with("/api/v2/").then_some(path)
    }
}

/// How hard the sync tries before it stops (what it received stays for the next run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Tries of one request that fails transiently (5xx, a timeout, a reset), the first included.
    pub attempts: u32,
    /// The wait after the first failure, doubled after each next one, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a longer one stops the run (resumable).
    pub max_retry_after: Duration,
    /// How many 429 answers one request may get before the run stops.
    pub rate_limited: u32,
    /// Connecting, and one whole request with its answer.
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
}

impl Retry {
    pub const DEFAULT: Self = Self {
        attempts: 5,
        backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(30),
        max_retry_after: Duration::from_secs(120),
        rate_limited: 10,
        connect_timeout: Duration::from_secs(10),
        request_timeout: Duration::from_secs(120),
    };

    fn wait_after(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.saturating_sub(1).min(16);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// The largest page read (a page of 100 long articles is a few megabytes).
const MAX_PAGE_BYTES: u64 = 256 * 1024 * 1024;

/// A page the API answered.
#[derive(Debug)]
pub struct Answer {
    pub value: serde_json::Value,
    pub text: String,
    /// The server's clock when it answered (its `Date`), in Unix seconds.
    pub date: Option<i64>,
}

/// What one answer means to [`Client::get`].
enum Attempt {
    Done(Answer),
    /// A failure that trying again would not cure.
    Stop(SyncError),
    /// 429: the wait the server asked for, if it said.
    RateLimited(Option<Duration>),
    /// Worth trying again after a wait (why, in Korean).
    Transient(String),
}

/// One help centre, asked one request at a time.
pub struct Client {
    agent: ureq::Agent,
    centre: HelpCentre,
    credentials: Credentials,
    retry: Retry,
    /// A first answer came: a refused connection after it is a restart, worth waiting for;
    /// before it, the address is wrong or the server is down.
    contacted: bool,
    pub requests: u64,
}

impl Client {
    pub fn new(centre: HelpCentre, credentials: Credentials, retry: Retry) -> Self {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(retry.connect_timeout))
            .timeout_global(Some(retry.request_timeout))
            .max_redirects(5)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
            .user_agent(concat!("support-console/", env!("CARGO_PKG_VERSION")));
        if centre.loopback {
            // A proxy set for the machine never sees a request to the machine itself.
            config = config.proxy(None);
        }
        Self {
            agent: config.build().into(),
            centre,
            credentials,
            retry,
            contacted: false,
            requests: 0,
        }
    }

    pub fn centre(&self) -> &HelpCentre {
        &self.centre
    }

    /// GETs `path` (with its query) and reads the answer as JSON. `what` names it in
    /// messages; `note` hears of each wait.
    pub fn get(
        &mut self,
        path: &str,
        what: &str,
        note: &mut dyn FnMut(String),
    ) -> Result<Answer, SyncError> {
        let url = format!("{}{path}", self.centre.origin);
        let named = format!("{what} ({path})");
        let (mut failures, mut limited) = (0u32, 0u32);
        loop {
            self.requests += 1;
            let outcome = self
                .agent
                .get(&url)
                .header("Authorization", &self.credentials.header)
                .header("Accept", "application/json")
                .call();
            let transient = match outcome {
                Ok(response) => match self.attempt(response, &named) {
                    Attempt::Done(answer) => return Ok(answer),
                    Attempt::Stop(error) => return Err(error),
                    Attempt::RateLimited(wait) => {
                        limited += 1;
                        let wait = wait.unwrap_or_else(|| self.retry.wait_after(limited));
                        if limited > self.retry.rate_limited || wait > self.retry.max_retry_after {
                            return Err(SyncError::new(
                                ErrorKind::Server,
                                format!(
                                    "도움말 센터가 요청이 너무 많다며 {}초 뒤에 다시 하라고 합니다 ({named}; {limited}번째): 잠시 뒤 다시 실행하세요",
                                    wait.as_secs()
                                ),
                            )
                            .resumable());
                        }
                        note(format!(
                            "요청이 많아 도움말 센터가 기다리라고 합니다 (HTTP 429): {}초 기다립니다",
                            wait.as_secs_f64().ceil()
                        ));
                        std::thread::sleep(wait);
                        continue;
                    }
                    Attempt::Transient(why) => why,
                },
                Err(err) => {
                    if let Some(error) = self.unreachable(&err, &named) {
                        return Err(error);
                    }
                    reason(&err)
                }
            };
            failures += 1;
            if failures >= self.retry.attempts {
                return Err(SyncError::new(
                    ErrorKind::Server,
                    format!("{named}: {transient} ({failures}번 시도했습니다)"),
                )
                .resumable());
            }
            let wait = self.retry.wait_after(failures);
            note(format!(
                "{transient}: {:.1}초 뒤 다시 시도합니다 ({}/{})",
                wait.as_secs_f64(),
                failures + 1,
                self.retry.attempts
            ));
            std::thread::sleep(wait);
        }
    }

    /// What one answer means: a page, a failure to stop at, a wait, or a failure worth
    /// trying again.
    fn attempt(&mut self, mut response: ureq::http::Response<ureq::Body>, named: &str) -> Attempt {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let date = header("date").and_then(|d| http_date(&d));
        match status {
            200..=299 => {
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_PAGE_BYTES)
                    .read_to_string();
                match body {
                    Ok(text) => {
                        self.contacted = true;
                        match serde_json::from_str(&text) {
                            Ok(value) => Attempt::Done(Answer { value, text, date }),
                            Err(err) => Attempt::Stop(SyncError::new(
                                ErrorKind::Malformed,
                                format!(
                                    "{named}: 응답이 JSON이 아닙니다 ({}줄 {}칸): {err}",
                                    err.line(),
                                    err.column()
                                ),
                            )),
                        }
                    }
                    Err(err) => Attempt::Transient(format!(
                        "응답을 끝까지 받지 못했습니다: {}",
                        reason(&err)
                    )),
                }
            }
            401 | 403 => Attempt::Stop(SyncError::new(
                ErrorKind::Credentials,
                format!(
                    "도움말 센터가 인증을 거부했습니다 (HTTP {status}, {named}): 환경 변수 {EMAIL_VAR}와 {API_TOKEN_VAR}(또는 {OAUTH_TOKEN_VAR})가 맞는지, 그 상담원이 문서를 볼 수 있는지 확인하세요"
                ),
            )),
            404 => Attempt::Stop(SyncError::new(
                ErrorKind::Server,
                format!(
                    "도움말 센터 API를 찾을 수 없습니다 (HTTP 404, {named}): --from 주소와 --locale이 맞는지 확인하세요"
                ),
            )),
            429 => Attempt::RateLimited(header("retry-after").and_then(|v| retry_after(&v, date))),
            408 | 500..=599 => Attempt::Transient(format!("서버 오류 HTTP {status}")),
            other => Attempt::Stop(SyncError::new(
                ErrorKind::Server,
                format!("도움말 센터가 요청을 거절했습니다 (HTTP {other}, {named})"),
            )),
        }
    }

    /// A failure not worth trying again: the server cannot be found or reached at all
    /// (before any answer came), or a secure connection cannot be made.
    fn unreachable(&self, err: &ureq::Error, named: &str) -> Option<SyncError> {
        let origin = &self.centre.origin;
        let refused = matches!(err, ureq::Error::ConnectionFailed)
            || matches!(err, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
        let message = match err {
            ureq::Error::HostNotFound => {
                format!("서버 {origin}을(를) 찾을 수 없습니다 (주소를 확인하세요)")
            }
            _ if refused && !self.contacted => {
                format!(
                    "서버 {origin}에 연결할 수 없습니다 (주소를 확인하거나 잠시 뒤 다시 하세요)"
                )
            }
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
                format!("서버 {origin}과(와) 보안 연결(TLS)을 맺을 수 없습니다")
            }
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
                format!("요청 주소를 만들 수 없습니다 ({named})")
            }
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                format!("서버가 다른 곳으로 너무 여러 번 보냅니다 ({named})")
            }
            _ => return None,
        };
        Some(SyncError::new(ErrorKind::Network, message))
    }
}

/// A transport failure in Korean (the library's words are English).
fn reason(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Timeout(_) => "응답이 제때 오지 않았습니다".to_owned(),
        ureq::Error::Io(io) => format!("연결 문제: {}", crate::text::io_reason(io)),
        ureq::Error::ConnectionFailed => "연결할 수 없습니다".to_owned(),
        ureq::Error::Protocol(_) => "HTTP 응답이 올바르지 않습니다".to_owned(),
        ureq::Error::BodyExceedsLimit(_) => "응답이 너무 큽니다".to_owned(),
        _ => "연결 문제".to_owned(),
    }
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) in Unix seconds.
fn http_date(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|d| d.timestamp())
}

/// `Retry-After`: seconds, or an HTTP date (counted from the server's own clock when it
/// gave one).
fn retry_after(text: &str, server_now: Option<i64>) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(text)?;
    let now = server_now.unwrap_or_else(|| chrono::Utc::now().timestamp());
    Some(Duration::from_secs(u64::try_from(at - now).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_and_never_show() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let basic = Credentials::from_vars(vars(&[
            (EMAIL_VAR, "agent@example.com"),
            (API_TOKEN_VAR, "s3cret"),
        ]))
        .expect("basic");
        // base64("agent@example.com/token:s3cret")
        assert_eq!(
            basic.header,
            "Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46czNjcmV0"
        );
        assert!(!format!("{basic:?}").contains("s3cret"));
        let bearer = Credentials::from_vars(vars(&[(OAUTH_TOKEN_VAR, "abc")])).expect("oauth");
        assert_eq!(bearer.header, "Bearer abc");
        let missing = Credentials::from_vars(vars(&[(EMAIL_VAR, "a@b.c")])).unwrap_err();
        assert!(missing.message.contains(API_TOKEN_VAR));
        let bad = Credentials::from_vars(vars(&[(OAUTH_TOKEN_VAR, "비밀 토큰")])).unwrap_err();
        assert!(!bad.message.contains("비밀"));
        assert!(Credentials::from_vars(vars(&[])).is_err());
    }

    #[test]
    fn addresses_are_a_host_and_credentials_stay_on_it() {
        let centre = HelpCentre::parse("https://Example.zendesk.com/hc/ko").expect("hc");
        assert_eq!(centre.origin(), "https://example.zendesk.com");
        assert!(HelpCentre::parse("http://example.zendesk.com").is_err());
        assert!(HelpCentre::parse("http://127.0.0.1:8080").is_ok());
        assert!(HelpCentre::parse("https://user:pw@example.zendesk.com").is_err());
        assert!(HelpCentre::parse("example.zendesk.com").is_err());
        assert!(HelpCentre::parse("ftp://example.zendesk.com").is_err());
        assert_eq!(
            centre
                .path_of("https://elsewhere.example/api/v2/help_center/ko/articles.json?page=2")
                .as_deref(),
            Some("/api/v2/help_center/ko/articles.json?page=2")
        );
        assert_eq!(centre.path_of("https://elsewhere.example/login"), None);
    }

    #[test]
    fn waits_grow_and_retry_after_reads_both_forms() {
        let retry = Retry::DEFAULT;
        assert_eq!(retry.wait_after(1), Duration::from_secs(1));
        assert_eq!(retry.wait_after(3), Duration::from_secs(4));
        assert_eq!(retry.wait_after(30), Duration::from_secs(30));
        assert_eq!(retry_after("7", None), Some(Duration::from_secs(7)));
        let now = http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("date");
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:50:07 GMT", Some(now)),
            Some(Duration::from_secs(30))
        );
    }
}
