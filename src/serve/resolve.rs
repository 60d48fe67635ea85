//! Maps a request path to a file of the build, and nothing else: the base path prefix
//! is stripped, percent-escapes are decoded one segment at a time, and the resolved
//! file must lie inside the output folder after symlinks are followed. Anything that
//! could leave the folder (`..`, `%2e%2e`, `%2f`, backslashes, absolute paths,
//! symlinks pointing out) resolves to nothing.

use std::path::{Component, Path, PathBuf};

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// The same place with a slash (a folder asked for without one, or the site's
    /// root when served under a prefix).
    Redirect(String),
    /// Nothing to serve: missing, outside the prefix, or refused.
    NotFound,
}

/// Resolves `url` (the request target, e.g. `/blog/posts/x/?a=1`) against the build in
/// `root` (canonical), mounted at `base_path` (`/` or `/blog/`).
pub(super) fn resolve(root: &Path, base_path: &str, url: &str) -> Resolved {
    let (path, query) = split_query(url);
    let Some(rest) = path.strip_prefix(base_path) else {
        // `/blog` for `/blog/`, and the host's root for a site served under a prefix:
        // send the visitor where the site is, as a browser typing the host would want.
        if path == base_path.trim_end_matches('/') || path == "/" {
            return Resolved::Redirect(format!("{base_path}{}", encode_unsafe(query)));
        }
        return Resolved::NotFound;
    };
    let Some(segments) = decode_segments(rest) else {
        return Resolved::NotFound;
    };
    let candidate = segments.iter().fold(root.to_path_buf(), |p, s| p.join(s));
    let Some(found) = contained(root, &candidate) else {
        return Resolved::NotFound;
    };
    if found.is_file() {
        return Resolved::File(found);
    }
    if !path.ends_with('/') {
        // Rebuilt from the checked segments, never from the raw path: `//evil.example`
        // must not become a redirect to another host.
        let mut location = base_path.to_string();
        for s in rest.split('/').filter(|s| !s.is_empty()) {
            location.push_str(&encode_unsafe(s));
            location.push('/');
        }
        location.push_str(&encode_unsafe(query));
        return Resolved::Redirect(location);
    }
    match contained(root, &found.join("index.html")) {
        Some(index) if index.is_file() => Resolved::File(index),
        _ => Resolved::NotFound,
    }
}

/// `(path, "?query")`; a fragment never reaches a server, but drop one if it does.
fn split_query(url: &str) -> (&str, &str) {
    let url = url.split('#').next().unwrap_or_default();
    match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// The decoded, non-empty segments of `rest`; `None` if any of them is not a plain
/// file name once decoded.
fn decode_segments(rest: &str) -> Option<Vec<String>> {
    rest.split('/')
        .filter(|s| !s.is_empty())
        .map(|raw| {
            let name = String::from_utf8(percent_decode(raw)?).ok()?;
            let mut parts = Path::new(&name).components();
            let plain = matches!(parts.next(), Some(Component::Normal(_)))
                && parts.next().is_none()
                && !name.contains(['/', '\\', '\0'])
                // `C:` would name a drive on Windows; elsewhere it is a plain name.
                && !(cfg!(windows) && name.contains(':'));
            plain.then_some(name)
        })
        .collect()
}

/// `%2e%2e` → `..`; `None` for a malformed escape.
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Escapes what may not appear in a `Location` header (controls, spaces, non-ASCII),
/// leaving escapes the client already sent as they are.
fn encode_unsafe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path` with symlinks followed, if it exists and stays inside `root`.
fn contained(root: &Path, path: &Path) -> Option<PathBuf> {
    let real = path.canonicalize().ok()?;
    real.starts_with(root).then_some(real)
}

/// The `Content-Type` of a served file, by extension.
pub(super) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") if is_atom(path) => "application/atom+xml; charset=utf-8",
        Some("xml" | "xsl") => "application/xml; charset=utf-8",
        Some("atom") => "application/atom+xml; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The site's feeds are `atom.xml` and `comments.xml`; a sitemap is plain XML. A
/// small read beats guessing from the name, since themes may add feeds of their own.
fn is_atom(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 512];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains("<feed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let root = base.join("out");
        std::fs::create_dir_all(root.join("posts/x")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("posts/x/index.html"), "x").unwrap();
        std::fs::write(root.join("a b.txt"), "space").unwrap();
        std::fs::write(base.join("secret.txt"), "secret").unwrap();
        (dir, root)
    }

    #[test]
    fn serves_files_folders_and_redirects() {
        let (_dir, root) = site();
        let file = |rel: &str| Resolved::File(root.join(rel));
        assert_eq!(resolve(&root, "/", "/"), file("index.html"));
        assert_eq!(resolve(&root, "/", "/posts/x/"), file("posts/x/index.html"));
        assert_eq!(
            resolve(&root, "/", "/posts/x/?q=1"),
            file("posts/x/index.html")
        );
        assert_eq!(resolve(&root, "/", "/a%20b.txt"), file("a b.txt"));
        assert_eq!(
            resolve(&root, "/", "/posts/x?q=1"),
            Resolved::Redirect("/posts/x/?q=1".into())
        );
        assert_eq!(
            resolve(&root, "/", "/posts?q=a b"),
            Resolved::Redirect("/posts/?q=a%20b".into())
        );
        std::fs::create_dir(root.join("é")).unwrap();
        assert_eq!(
            resolve(&root, "/", "/é"),
            Resolved::Redirect("/%C3%A9/".into())
        );
        assert_eq!(
            resolve(&root, "/", "/posts/x/index.html"),
            file("posts/x/index.html")
        );
        assert_eq!(resolve(&root, "/", "/posts/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/", "/nope/"), Resolved::NotFound);
    }

    #[test]
    fn serves_under_the_base_path_only() {
        let (_dir, root) = site();
        let file = |rel: &str| Resolved::File(root.join(rel));
        assert_eq!(
            resolve(&root, "/blog/", "/blog/posts/x/"),
            file("posts/x/index.html")
        );
        assert_eq!(resolve(&root, "/blog/", "/posts/x/"), Resolved::NotFound);
        assert_eq!(
            resolve(&root, "/blog/", "/blog"),
            Resolved::Redirect("/blog/".into())
        );
        assert_eq!(
            resolve(&root, "/blog/", "/"),
            Resolved::Redirect("/blog/".into())
        );
    }

    #[test]
    fn refuses_everything_outside_the_output() {
        let (_dir, root) = site();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            root.parent().unwrap().join("secret.txt"),
            root.join("link.txt"),
        )
        .unwrap();
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/..%2fsecret.txt",
            "/..%2Fsecret.txt",
            "/posts/..%5c..%5csecret.txt",
            "/..\\secret.txt",
            "/posts/x/../../../secret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/link.txt",
            "/%zz",
            "/%2",
            "/a%00b",
        ] {
            assert_eq!(resolve(&root, "/", bad), Resolved::NotFound, "{bad}");
        }
        // A redirect is built from checked segments and never leaves the host.
        std::fs::create_dir(root.join("evil.example")).unwrap();
        assert_eq!(
            resolve(&root, "/", "//evil.example"),
            Resolved::Redirect("/evil.example/".into())
        );
    }

    #[test]
    fn knows_the_content_types() {
        let (_dir, root) = site();
        let ct = |name: &str| content_type(Path::new(name));
        assert_eq!(ct("a.html"), "text/html; charset=utf-8");
        assert_eq!(ct("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(ct("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(ct("logo.svg"), "image/svg+xml");
        assert_eq!(ct("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(ct("p.png"), "image/png");
        assert_eq!(ct("p.jpeg"), "image/jpeg");
        assert_eq!(ct("p.gif"), "image/gif");
        assert_eq!(ct("p.webp"), "image/webp");
        assert_eq!(ct("favicon.ico"), "image/x-icon");
        assert_eq!(ct("f.woff2"), "font/woff2");
        assert_eq!(ct("data.json"), "application/json");
        assert_eq!(ct("blob"), "application/octet-stream");
        std::fs::write(root.join("atom.xml"), "<?xml version=\"1.0\"?><feed>").unwrap();
        std::fs::write(root.join("sitemap.xml"), "<?xml version=\"1.0\"?><urlset>").unwrap();
        assert_eq!(
            content_type(&root.join("atom.xml")),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type(&root.join("sitemap.xml")),
            "application/xml; charset=utf-8"
        );
    }
}
