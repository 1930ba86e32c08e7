//! The writers of one cycle: several clients at once, each sending one request after
//! another, each on a connection of its own, until the server dies under them. Every write
//! is kept with what its client heard back: acknowledged (a 2xx status came), refused (an
//! error status came) or nothing (the server was killed first). Nobody retries: a write
//! found twice is the server's doing.
//!
//! Client 0 alternates sign-ins (a token and an audit row, in one transaction) with
//! intakes; the others send intakes (written by the group commit of `db::batch`) and now
//! and then accept one of their own acknowledged demands (a step in a transaction of its
//! own: the demand's new status, its version, a timeline entry, its rollups).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The kind of a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Kind {
    /// `POST /api/v1/demands`: a new demand with its timeline entry and rollups.
    Intake,
    /// `POST /api/v1/demands/{id}/accept` on a demand acknowledged before.
    Accept,
    /// `POST /api/v1/login`: a session token and its audit row.
    SignIn,
}

/// What the client heard back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Heard {
    /// A 2xx status line: the server said it is done.
    Acknowledged,
    /// An error status: the server said it did not do it.
    Refused(u16),
    /// The request went out and no answer came: the server was killed.
    Nothing,
}

/// One write and what its client heard.
#[derive(Clone, Debug)]
pub struct Write {
    pub kind: Kind,
    /// Which: the demand's description (unique to the write, made by the client) for an
    /// intake or an accept; for an acknowledged sign-in the stored digest of its token
    /// (empty when none came back).
    pub key: String,
    pub heard: Heard,
}

/// What every client of a cycle needs.
pub(super) struct Cycle {
    pub addr: String,
    pub token: String,
    pub homes: Arc<Vec<i64>>,
    /// Marks the run's demands: `crash <tag> <cycle>.<client>.<n>`.
    pub tag: String,
    pub cycle: usize,
}

/// The description of a client's n-th intake in a cycle: unique in the run.
pub(super) fn description(tag: &str, cycle: usize, client: usize, n: usize) -> String {
    format!("crash {tag} {cycle}.{client}.{n} 楼道灯不亮")
}

/// One client's writes until the server stops answering.
pub(super) async fn client(c: Arc<Cycle>, me: usize) -> Vec<Write> {
    let mut writes = Vec::new();
    // Its own acknowledged demands not accepted yet: (description, id).
    let mut mine: Vec<(String, i64)> = Vec::new();
    for n in 0.. {
        let (kind, key, answer) = if me == 0 && n % 2 == 1 {
            let a = sign_in(&c.addr).await;
            let key = match &a {
                Some((Heard::Acknowledged, b)) => b["token"]
                    .as_str()
                    .map(crate::auth::tokens::digest)
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (Kind::SignIn, key, a)
        } else if n % 3 == 2
            && let Some((key, id)) = mine.pop()
        {
            let path = format!("/api/v1/demands/{id}/accept");
            let a = call(&c.addr, "POST", &path, Some(&c.token), Some(&json!({}))).await;
            (Kind::Accept, key, a)
        } else {
            let key = description(&c.tag, c.cycle, me, n);
            let home = c.homes[(me * 7_919 + n) % c.homes.len()];
            let body = json!({"channel": "phone", "household_id": home,
                              "category": "water", "description": key});
            let a = call(
                &c.addr,
                "POST",
                "/api/v1/demands",
                Some(&c.token),
                Some(&body),
            )
            .await;
            if let Some((Heard::Acknowledged, b)) = &a
                && let Some(id) = b["id"].as_i64()
            {
                mine.push((key.clone(), id));
            }
            (Kind::Intake, key, a)
        };
        // Not sent at all: the server is gone.
        let Some((heard, _)) = answer else {
            break;
        };
        writes.push(Write { kind, key, heard });
        if heard == Heard::Nothing {
            break;
        }
    }
    writes
}

/// Signs in as the demo's staff account.
pub(super) async fn sign_in(addr: &str) -> Option<(Heard, Value)> {
    let body = json!({"username": "staff", "password": crate::auth::password::DEMO_PASSWORD});
    call(addr, "POST", "/api/v1/login", None, Some(&body)).await
}

/// No answer in this long is no answer.
const PATIENCE: Duration = Duration::from_secs(30);

/// One HTTP/1.1 request on a connection of its own. `None` when no connection could be
/// made (nothing was sent); otherwise what was heard and the JSON body (`Null` if none).
pub(super) async fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Option<(Heard, Value)> {
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let exchange = async {
        s.write_all(request.as_bytes()).await.ok()?;
        let mut raw = Vec::new();
        // A connection reset by the dying server ends the read with an error: whatever
        // came before it is what was heard.
        let _ = s.read_to_end(&mut raw).await;
        Some(raw)
    };
    let raw = match tokio::time::timeout(PATIENCE, exchange).await {
        Ok(Some(raw)) => raw,
        _ => return Some((Heard::Nothing, Value::Null)),
    };
    Some(heard(&raw))
}

/// What a response's bytes say: only a whole status line and head count as an answer.
fn heard(raw: &[u8]) -> (Heard, Value) {
    let text = String::from_utf8_lossy(raw);
    let Some((head, payload)) = text.split_once("\r\n\r\n") else {
        return (Heard::Nothing, Value::Null);
    };
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = serde_json::from_str(payload).unwrap_or(Value::Null);
    match status {
        200..=299 => (Heard::Acknowledged, body),
        0 => (Heard::Nothing, Value::Null),
        s => (Heard::Refused(s), body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_head_is_an_answer() {
        let ok = b"HTTP/1.1 201 Created\r\ncontent-length: 9\r\n\r\n{\"id\":12}";
        assert_eq!(heard(ok), (Heard::Acknowledged, json!({"id": 12})));
        let refused = b"HTTP/1.1 422 Unprocessable Entity\r\n\r\n{}";
        assert_eq!(heard(refused).0, Heard::Refused(422));
        assert_eq!(heard(b"HTTP/1.1 201 Cre").0, Heard::Nothing);
        assert_eq!(heard(b"").0, Heard::Nothing);
        // The body cut off after the head: the server said it was done.
        assert_eq!(
            heard(b"HTTP/1.1 201 Created\r\n\r\n{\"id\"").0,
            Heard::Acknowledged
        );
    }
}
