//! The one HTTP client of `rapport fetch`: a clear user agent, timeouts, a size cap,
//! and retries with backoff that honour `Retry-After`. A request that still fails
//! says why (`Failure`), so a source can tell a cut listing from a complete one.

use std::time::Duration;

use crate::limits;

/// Why a request gave nothing usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// HTTP 429 after every attempt (or a `Retry-After` too long to wait).
    RateLimited,
    /// Any other HTTP status but 200.
    Status(u16),
    /// No answer: refused, timed out, cut, or not JSON.
    Network(String),
    /// The answer was larger than `limits::MAX_FETCH_BYTES`.
    TooLarge,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::RateLimited => {
                f.write_str("the server asked to slow down (HTTP 429) and kept refusing")
            }
            Failure::Status(code) => write!(f, "the server answered HTTP {code}"),
            Failure::Network(why) => write!(f, "{why}"),
            Failure::TooLarge => write!(
                f,
                "the answer is larger than {} MB",
                limits::MAX_FETCH_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// A blocking client; `log` receives one line per request when `--verbose` is on.
pub(crate) struct Client<'a> {
    agent: ureq::Agent,
    log: &'a dyn Fn(&str),
}

impl<'a> Client<'a> {
    pub(crate) fn new(log: &'a dyn Fn(&str)) -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(limits::FETCH_TIMEOUT_SECS)))
            .http_status_as_error(false)
            .user_agent(concat!(
                "rapport/",
                env!("CARGO_PKG_VERSION"),
                " (static site generator; fetches replies to the site's posts)"
            ))
            .build();
        Client {
            agent: config.into(),
            log,
        }
    }

    /// GETs `url` as JSON, trying again after a network error, a 5xx or a 429.
    /// `query` is logged without values named `token`.
    pub(crate) fn get_json(&self, url: &str) -> Result<serde_json::Value, Failure> {
        self.get_json_as(url, None)
    }

    /// `get_json` with an access token (`Authorization: Bearer`), which is never
    /// sent on to another address a server redirects to.
    pub(crate) fn get_json_as(
        &self,
        url: &str,
        token: Option<&str>,
    ) -> Result<serde_json::Value, Failure> {
        let shown = hide_token(url);
        let mut last = Failure::Network("no attempt was made".into());
        for attempt in 1..=limits::FETCH_ATTEMPTS {
            (self.log)(&format!("GET {shown} (attempt {attempt})"));
            let wait = match self.get_once(url, token) {
                Ok(value) => return Ok(value),
                Err((failure, retry_after)) => {
                    (self.log)(&format!("  {failure}"));
                    let retry = matches!(failure, Failure::RateLimited | Failure::Network(_))
                        || matches!(failure, Failure::Status(code) if code >= 500);
                    last = failure;
                    if !retry {
                        return Err(last);
                    }
                    match retry_after {
                        Some(s) if s > limits::MAX_RETRY_AFTER_SECS => return Err(last),
                        Some(s) => s,
                        None => 1 << (attempt - 1),
                    }
                }
            };
            if attempt < limits::FETCH_ATTEMPTS {
                std::thread::sleep(Duration::from_secs(wait));
            }
        }
        Err(last)
    }

    /// One request: the JSON, or the failure and the server's `Retry-After` seconds.
    fn get_once(
        &self,
        url: &str,
        token: Option<&str>,
    ) -> Result<serde_json::Value, (Failure, Option<u64>)> {
        let mut request = self.agent.get(url).header("Accept", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request
            .call()
            .map_err(|e| (Failure::Network(e.to_string()), None))?;
        let status = response.status().as_u16();
        if status != 200 {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after_seconds(v, chrono::Utc::now()));
            let failure = if status == 429 {
                Failure::RateLimited
            } else {
                Failure::Status(status)
            };
            return Err((failure, retry_after));
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(limits::MAX_FETCH_BYTES)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => (Failure::TooLarge, None),
                other => (Failure::Network(other.to_string()), None),
            })?;
        serde_json::from_str(&text).map_err(|e| {
            (
                Failure::Network(format!("the answer is not complete JSON ({e})")),
                None,
            )
        })
    }
}

/// How long a `Retry-After` value asks to wait, at `now`: seconds, or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`), a date already past meaning at once.
fn retry_after_seconds(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(now).num_seconds();
    Some(u64::try_from(wait).unwrap_or(0))
}

/// `url` with the value of a `token=` parameter replaced, for logs and errors.
pub(crate) fn hide_token(url: &str) -> String {
    let Some(at) = url.find("token=") else {
        return url.to_string();
    };
    let value_start = at + "token=".len();
    let end = url[value_start..]
        .find('&')
        .map_or(url.len(), |i| value_start + i);
    format!("{}…{}", &url[..value_start], &url[end..])
}

/// `text` encoded for a URL query value.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(retry_after_seconds(" 120 ", now), Some(120));
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(90)
        );
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(0)
        );
        assert_eq!(retry_after_seconds("soon", now), None);
        assert_eq!(retry_after_seconds("-5", now), None);
    }

    #[test]
    fn tokens_never_reach_a_log() {
        assert_eq!(
            hide_token("https://w.io/api?domain=a&token=s3cret&page=2"),
            "https://w.io/api?domain=a&token=…&page=2"
        );
        assert_eq!(
            hide_token("https://w.io/api?token=s3cret"),
            "https://w.io/api?token=…"
        );
    }
}
