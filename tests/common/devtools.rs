//! A headless Chromium driven over the DevTools protocol: one WebSocket, JSON commands,
//! no driver binary and no extra crate (the test already has a WebSocket client).
//! Used by `tests/browser.rs` and `tests/embed.rs` (included there by path).

// Shared by several test binaries; each uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Chromium from `$CHROMIUM` or Debian's package, if installed.
pub fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("CHROMIUM").map(PathBuf::from),
        Some("/usr/bin/chromium".into()),
        Some("/usr/bin/chromium-browser".into()),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// A headless Chromium and one page of it.
pub struct Browser {
    _child: Child,
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    session: String,
    next_id: u64,
    /// Console errors, uncaught exceptions and failed loads seen so far.
    errors: Vec<String>,
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    pub async fn launch(binary: &Path) -> Browser {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let profile = std::env::temp_dir().join(format!(
            "chatbot-browser-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("profile folder");
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1280,800",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromium starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let url = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return url.trim().to_owned();
                }
            }
            panic!("chromium exited before listening")
        })
        .await
        .expect("chromium listens within 30 s");
        // Keep draining stderr so Chromium never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let (socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
            .await
            .expect("devtools socket");
        let mut browser = Browser {
            _child: child,
            socket,
            session: String::new(),
            next_id: 0,
            errors: Vec::new(),
            profile,
        };
        let target = browser
            .call("Target.createTarget", json!({"url": "about:blank"}))
            .await;
        let attached = browser
            .call(
                "Target.attachToTarget",
                json!({"targetId": target["targetId"], "flatten": true}),
            )
            .await;
        browser.session = attached["sessionId"].as_str().expect("session").to_owned();
        for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
            browser.call(domain, json!({})).await;
        }
        browser
    }

    /// Sends a command (to the page once attached) and returns its result; events that
    /// arrive meanwhile are checked for errors.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            command["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(command.to_string()))
            .await
            .expect("devtools send");
        let answer = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let Some(Ok(Message::Text(text))) = self.socket.next().await else {
                    panic!("devtools closed")
                };
                let value: Value = serde_json::from_str(&text).expect("devtools JSON");
                if value["id"] == id {
                    return value;
                }
                self.event(&value);
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{method} answered within 30 s"));
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    fn event(&mut self, event: &Value) {
        let params = &event["params"];
        let error = match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => Some(params["exceptionDetails"].to_string()),
            Some("Runtime.consoleAPICalled") if params["type"] == "error" => {
                Some(params["args"].to_string())
            }
            Some("Log.entryAdded") if params["entry"]["level"] == "error" => Some(format!(
                "{} {}",
                params["entry"]["text"], params["entry"]["url"]
            )),
            _ => None,
        };
        self.errors.extend(error);
    }

    /// The errors the page logged since the last call.
    pub fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }

    /// The errors the page logged since the last call, but those that contain
    /// `expected` (a test that stops the server expects failed connections).
    pub fn take_errors_but(&mut self, expected: &str) -> Vec<String> {
        let mut errors = self.take_errors();
        errors.retain(|e| !e.contains(expected));
        errors
    }

    /// Evaluates JavaScript in the page (awaiting a promise) and returns its value.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
            )
            .await;
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits, inside the page, until `condition` (JavaScript) holds, then two frames
    /// more (so that what the page does on the next frame has happened).
    pub async fn until(&mut self, condition: &str) {
        let js = format!(
            "new Promise((ok, fail) => {{ const t0 = Date.now(); (function check() {{ \
               let v = false; try {{ v = ({condition}); }} catch (e) {{}} \
               if (v) return requestAnimationFrame(() => requestAnimationFrame(() => ok(true))); \
               if (Date.now() - t0 > 20000) return fail(new Error('timed out waiting for: ' + {cond})); \
               requestAnimationFrame(check); }})(); }})",
            cond = serde_json::to_string(condition).unwrap()
        );
        self.eval(&js).await;
    }

    /// Opens `url` and waits for the page's script to have run.
    pub async fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        self.until("document.readyState === 'complete' && (!document.querySelector('#catalogue') || !!document.body.dataset.state)")
            .await;
    }

    pub async fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        let metrics =
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile});
        self.call("Emulation.setDeviceMetricsOverride", metrics)
            .await;
    }

    /// Presses and releases a key ("Tab", "Enter") as a keyboard would, to the focused
    /// element.
    pub async fn press(&mut self, key: &str) {
        let (code, text) = match key {
            "Tab" => (9, ""),
            "Enter" => (13, "\r"),
            other => panic!("no key code for {other}"),
        };
        let down = json!({"type": "keyDown", "key": key, "code": key,
            "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code, "text": text});
        self.call("Input.dispatchKeyEvent", down).await;
        let up = json!({"type": "keyUp", "key": key, "code": key,
            "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code});
        self.call("Input.dispatchKeyEvent", up).await;
    }

    /// Sends `Accept-Language: <value>` with every request from now on, as a browser
    /// set to that language does.
    pub async fn accept_language(&mut self, value: &str) {
        self.call("Network.enable", json!({})).await;
        self.call(
            "Network.setExtraHTTPHeaders",
            json!({"headers": {"Accept-Language": value}}),
        )
        .await;
    }

    /// Saves the viewport as `target/screenshots/<name>.png`.
    pub async fn screenshot(&mut self, name: &str) {
        // Let the finite animations (a message popping in) end first.
        self.until("[...document.getAnimations(), ...[...document.querySelectorAll('chatbot-chat, chatbot-success')].flatMap((w) => w.shadowRoot.getAnimations())].every((a) => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)").await;
        let shot = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("png data"))
            .expect("base64");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }

    pub async fn count(&mut self, selector: &str) -> u64 {
        self.eval(&format!(
            "document.querySelectorAll({}).length",
            serde_json::to_string(selector).unwrap()
        ))
        .await
        .as_u64()
        .unwrap_or(0)
    }
}
