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

/// Debian's `redis-server` on a loopback port, without persistence; over TLS only
/// when started with [`Redis::start_tls`].
pub struct Redis {
    binary: PathBuf,
    pub port: u16,
    child: Option<Child>,
    tls: Option<Tls>,
}

/// A certificate authority and a server certificate made for one test, in its own
/// folder (removed with it).
pub struct Tls {
    dir: PathBuf,
    /// The authority's certificate, PEM: what a client must trust.
    pub ca_pem: String,
}

impl Tls {
    /// A fresh CA (`name`) and a certificate it signed for 127.0.0.1 and localhost.
    pub fn make(name: &str) -> Tls {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, name);
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        let key = KeyPair::generate().expect("server key");
        let server = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("server params")
            .signed_by(&key, &ca)
            .expect("server certificate");
        let dir = std::env::temp_dir().join(format!(
            "chatbot-tls-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a folder for the certificates");
        std::fs::write(dir.join("server.pem"), server.pem()).expect("write the certificate");
        std::fs::write(dir.join("server.key"), key.serialize_pem()).expect("write the key");
        std::fs::write(dir.join("ca.pem"), ca.pem()).expect("write the CA");
        Tls {
            dir,
            ca_pem: ca.pem(),
        }
    }
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Redis {
    /// Starts one, or `None` when `redis-server` is not installed (outside CI).
    pub async fn start() -> Option<Redis> {
        Redis::launch(None).await
    }

    /// Starts one that speaks TLS only, with a certificate of a CA made for this test.
    pub async fn start_tls() -> Option<Redis> {
        Redis::launch(Some(Tls::make("chatbot test CA"))).await
    }

    async fn launch(tls: Option<Tls>) -> Option<Redis> {
        let binary = installed(
            "redis-server",
            &["/usr/bin/redis-server", "/usr/local/bin/redis-server"],
        )?;
        let mut redis = Redis {
            binary,
            port: free_port(),
            child: None,
            tls,
        };
        redis.restart().await;
        Some(redis)
    }

    /// `redis://127.0.0.1:<port>/0`, or `rediss://…` over TLS.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() {
            "rediss"
        } else {
            "redis"
        };
        format!("{scheme}://127.0.0.1:{}/0", self.port)
    }

    /// The PEM of the CA that signed a TLS server's certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
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
        let mut command = Command::new(&self.binary);
        match &self.tls {
            None => command.args(["--port", &port]),
            Some(tls) => {
                let file = |name: &str| tls.dir.join(name).display().to_string();
                command
                    .args(["--port", "0", "--tls-port", &port])
                    .args(["--tls-cert-file", &file("server.pem")])
                    .args(["--tls-key-file", &file("server.key")])
                    .args(["--tls-ca-cert-file", &file("ca.pem")])
                    .args(["--tls-auth-clients", "no"])
            }
        };
        let mut child = command
            .args(["--bind", "127.0.0.1", "--save", ""])
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
