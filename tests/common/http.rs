//! HTTP against a server and its Prometheus text, for the tests and the load generator
//! (`benches/loadgen.rs` includes this file), over hyper's HTTP/1.1 client.

/// A GET to any address: (status, headers as `name: value` lines in lower case, body).
pub async fn get_from(addr: std::net::SocketAddr, path: &str) -> (u16, String, String) {
    let (status, head, body) = get_with(addr, path, &[]).await;
    let body = String::from_utf8(body).expect("a UTF-8 body");
    (status, head, body)
}

/// A GET to any address with extra request headers: (status, headers as `name: value`
/// lines in lower case, the body's bytes as sent, compressed or not).
pub async fn get_with(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    use http_body_util::{BodyExt, Empty};
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let io = hyper_util::rt::TokioIo::new(tcp);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .expect("an HTTP connection");
    tokio::spawn(connection);
    let mut request = hyper::Request::get(path).header(hyper::header::HOST, "localhost");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Empty::<hyper::body::Bytes>::new())
        .expect("a request");
    let response = sender.send_request(request).await.expect("a response");
    let status = response.status().as_u16();
    let head: String = response
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}\n", value.to_str().unwrap_or("")))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the body")
        .to_bytes();
    (status, head.to_lowercase(), body.to_vec())
}

/// The value of header `name` (lower case) in a head from [`get_from`] or [`get_with`].
pub fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
}

/// The value of the series `name` whose labels include all of `labels`.
pub fn sample(metrics: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse().ok())
            .flatten()
        })
}

/// The sum of every series of `name`, whatever their labels.
pub fn total(metrics: &str, name: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .filter_map(|l| l.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum()
}
