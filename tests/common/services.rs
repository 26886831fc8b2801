//! The real services some tests run beside the server: Redis and nginx, each started by
//! the test on its own free loopback port and stopped with it.
//!
//! A test whose service is not installed prints that it was skipped; under `CI=true`
//! (where `.ci/run` installs them) it fails instead.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// The first of `paths` that exists; `None` (with a note) when none does, outside CI.
pub fn installed(what: &str, paths: &[&str]) -> Option<PathBuf> {
    let found = paths.iter().map(PathBuf::from).find(|p| p.is_file());
    if found.is_none() {
        missing(what);
    }
    found
}

/// A test's real component is not installed: a failure under `CI=true` (where `.ci/run`
/// installs it), a note that the test is skipped elsewhere.
pub fn missing(what: &str) {
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true: {what} is required (.ci/run installs it)"
    );
    eprintln!("SKIPPED: {what} is not installed");
}

/// A port on loopback that was free a moment ago.
pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    probe.local_addr().expect("its address").port()
}

/// Waits (up to 10 s) until `port` accepts connections, while `child` runs.
async fn until_listening(port: u16, child: &mut Child, what: &str) {
    let ready = tokio::time::timeout(Duration::from_secs(10), async {
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                child.try_wait().expect("child status").is_none(),
                "{what} exited before listening"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(ready.is_ok(), "{what} listens on {port} within 10 s");
}

/// Debian's `redis-server` on a loopback port, without persistence.
pub struct Redis {
    binary: PathBuf,
    pub port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts one, or `None` when `redis-server` is not installed (outside CI).
    pub async fn start() -> Option<Redis> {
        let binary = installed(
            "redis-server",
            &["/usr/bin/redis-server", "/usr/local/bin/redis-server"],
        )?;
        let mut redis = Redis {
            binary,
            port: free_port(),
            child: None,
        };
        redis.restart().await;
        Some(redis)
    }

    /// `redis://127.0.0.1:<port>/0`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// Kills it (as a crash or an outage would); its data is gone.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts it again, empty, on the same port.
    pub async fn restart(&mut self) {
        self.stop().await;
        let port = self.port.to_string();
        let mut child = Command::new(&self.binary)
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", ""])
            .args([
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ])
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server starts");
        until_listening(self.port, &mut child, "redis-server").await;
        self.child = Some(child);
    }
}

/// nginx with the shipped `docs/nginx.conf`, pointed at `upstreams` (which replace its
/// two example servers) and listening on a free loopback port.
pub struct Nginx {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Nginx {
    pub async fn start(upstreams: [SocketAddr; 2]) -> Option<Nginx> {
        let binary = installed(
            "nginx",
            &["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"],
        )?;
        let port = free_port();
        let shipped =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/nginx.conf"))
                .expect("docs/nginx.conf");
        let mut conf = shipped;
        for (from, to) in [
            (
                "server 127.0.0.1:8001 ",
                format!("server {} ", upstreams[0]),
            ),
            (
                "server 127.0.0.1:8002 ",
                format!("server {} ", upstreams[1]),
            ),
            ("listen 8080;", format!("listen 127.0.0.1:{port};")),
        ] {
            assert!(conf.contains(from), "docs/nginx.conf has `{from}`");
            conf = conf.replace(from, &to);
        }
        let dir = std::env::temp_dir().join(format!("chatbot-nginx-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("nginx folder");
        std::fs::write(dir.join("chatbot.conf"), conf).expect("chatbot.conf");
        let d = dir.display();
        let main = format!(
            "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log warn;\n\
             events {{ worker_connections 512; }}\n\
             http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;\n\
             include {d}/chatbot.conf; }}\n"
        );
        std::fs::write(dir.join("nginx.conf"), main).expect("nginx.conf");
        let mut child = Command::new(&binary)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts");
        until_listening(port, &mut child, "nginx").await;
        Some(Nginx { port, dir, child })
    }

    pub fn addr(&self) -> SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
