//! The public web page the city's site links to: which groups exist, who coordinates them, how
//! close each is in each area (coarsely), the upcoming public events, posters for professionals,
//! an embeddable card per group, a calendar feed and the accessibility statement. Read-only, in
//! fi, sv and en; served with axum on the bot's own tokio runtime (`kokoon run --web ADDR` or
//! `[web] listen`).
//!
//! - [`snapshot`] decides what may be shown: a coarse status per area (never a count), computed
//!   at most once an hour, and only public events.
//! - [`html`] renders it: plain HTML, one stylesheet, no JavaScript, everything escaped.
//! - This module serves it. Every page is rendered once per snapshot and kept, so a flood of page
//!   views costs a hash lookup each; responses carry `Cache-Control: public`, an `ETag` and
//!   `Last-Modified` (the city's proxy can serve them), a strict Content-Security-Policy, and no
//!   cookies. Nothing here writes to the store, and the listener serves nothing but these pages
//!   and `/healthz`.

pub mod html;
pub mod snapshot;

use crate::app::App;
use crate::domain::{GroupId, Lang, Source};
use crate::msg::Msg;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use snapshot::Snapshot;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The stylesheet, compiled in.
const STYLE: &str = include_str!("style.css");

/// How long browsers and the city's proxy may keep a page without asking again.
const PAGE_MAX_AGE: u32 = 300;

/// How long they may keep the stylesheet.
const STYLE_MAX_AGE: u32 = 86_400;

/// The most rendered pages kept per snapshot: posters for made-up sources are rendered each
/// time once this many are kept, so no request can grow memory without bound.
const MAX_PAGES: usize = 512;

/// The Content-Security-Policy of every page: nothing but our own stylesheet; no scripts, no
/// images from elsewhere, forms only to ourselves, and not shown in a frame.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What kind of response, for its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A page of the site.
    Page,
    /// The embeddable card: may be shown in a frame on the configured sites.
    Embed,
    /// The stylesheet.
    Style,
    /// The calendar feed.
    Calendar,
}

/// One rendered response, kept until the snapshot changes.
#[derive(Debug, Clone)]
struct Rendered {
    status: StatusCode,
    kind: Kind,
    lang: Option<Lang>,
    body: Bytes,
    etag: String,
    last_modified: Option<String>,
}

impl Rendered {
    fn new(
        status: StatusCode,
        kind: Kind,
        lang: Option<Lang>,
        body: String,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Rendered {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(body.as_bytes());
        let etag = format!(
            "\"{}\"",
            hash.iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        Rendered {
            status,
            kind,
            lang,
            body: Bytes::from(body),
            etag,
            last_modified: at.map(http_date),
        }
    }
}

/// `Sat, 05 Dec 2026 10:00:00 GMT`.
fn http_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[derive(Default)]
struct Cache {
    snapshot: Option<Arc<Snapshot>>,
    pages: HashMap<String, Arc<Rendered>>,
}

/// The web front end's state: the app (read only) and the rendered pages.
pub struct Web {
    app: App,
    cache: Mutex<Cache>,
    frame_ancestors: String,
}

impl Web {
    /// A web front end on an app.
    #[must_use]
    pub fn new(app: App) -> Web {
        let frame_ancestors = if app.config.web.embed_origins.is_empty() {
            "*".to_owned()
        } else {
            app.config.web.embed_origins.join(" ")
        };
        Web {
            app,
            cache: Mutex::new(Cache::default()),
            frame_ancestors,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current snapshot, computed again when it is an hour old (the old one is kept, and
    /// the rendered pages with it, if the store cannot be read).
    fn snapshot(&self) -> Option<Arc<Snapshot>> {
        let now = self.app.clock.now();
        let mut cache = self.lock();
        if cache.snapshot.as_ref().is_none_or(|s| s.stale(now)) {
            match snapshot::compute(&self.app.config, &self.app.store, now) {
                Ok(s) => {
                    cache.snapshot = Some(Arc::new(s));
                    cache.pages.clear();
                }
                Err(e) => log::warn!("web::snapshot: the store could not be read: {e}"),
            }
        }
        cache.snapshot.clone()
    }

    /// The page at `key`, rendered once per snapshot.
    fn page(&self, key: &str, render: impl FnOnce(&Snapshot) -> Rendered) -> Option<Arc<Rendered>> {
        let snap = self.snapshot()?;
        if let Some(p) = self.lock().pages.get(key) {
            return Some(p.clone());
        }
        let page = Arc::new(render(&snap));
        let mut cache = self.lock();
        let current = cache
            .snapshot
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, &snap));
        if current && cache.pages.len() < MAX_PAGES {
            cache.pages.insert(key.to_owned(), page.clone());
        }
        Some(page)
    }

    fn ctx<'a>(&'a self, lang: Lang, snap: &'a Snapshot) -> html::Ctx<'a> {
        html::Ctx {
            config: &self.app.config,
            i18n: &self.app.i18n,
            lang,
            snap,
        }
    }

    fn html(
        &self,
        status: StatusCode,
        kind: Kind,
        lang: Lang,
        snap: &Snapshot,
        body: String,
    ) -> Rendered {
        Rendered::new(status, kind, Some(lang), body, Some(snap.at))
    }

    /// Answers one request. Only GET and HEAD; everything else is refused.
    fn answer(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
        if method != Method::GET && method != Method::HEAD {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let path = uri.path().trim_end_matches('/');
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        let page = match parts.as_slice() {
            [] => return redirect(headers),
            ["healthz"] => return healthz(self.snapshot().is_some()),
            ["style.css"] => Some(Arc::new(Rendered::new(
                StatusCode::OK,
                Kind::Style,
                None,
                STYLE.to_owned(),
                None,
            ))),
            ["feed.ics"] => self.feed(Lang::Fi),
            [lang, rest @ ..] => match Lang::from_code(lang) {
                Some(lang) => self.localized(lang, rest, uri.query()),
                // In Finnish, whatever the reader asked for: the same address always gets
                // the same answer, so a proxy may keep it.
                None => self.not_found(Lang::Fi),
            },
        };
        match page {
            Some(p) => self.respond(&p, method, headers),
            None => {
                let mut r = Response::new(Body::from("the page cannot be shown right now\n"));
                *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            }
        }
    }

    fn localized(&self, lang: Lang, rest: &[&str], query: Option<&str>) -> Option<Arc<Rendered>> {
        let code = lang.code();
        match rest {
            [] => self.page(&format!("/{code}"), |s| {
                self.html(
                    StatusCode::OK,
                    Kind::Page,
                    lang,
                    s,
                    html::home(&self.ctx(lang, s)),
                )
            }),
            ["professionals"] => self.page(&format!("/{code}/professionals"), |s| {
                self.html(
                    StatusCode::OK,
                    Kind::Page,
                    lang,
                    s,
                    html::professionals(&self.ctx(lang, s)),
                )
            }),
            ["accessibility"] => self.page(&format!("/{code}/accessibility"), |s| {
                self.html(
                    StatusCode::OK,
                    Kind::Page,
                    lang,
                    s,
                    html::accessibility(&self.ctx(lang, s)),
                )
            }),
            ["feed.ics"] => self.feed(lang),
            ["embed", group] => {
                let group = GroupId::parse(group)
                    .ok()
                    .and_then(|g| self.app.config.group(&g).cloned());
                match group {
                    Some(g) => self.page(&format!("/{code}/embed/{}", g.id), |s| {
                        self.html(
                            StatusCode::OK,
                            Kind::Embed,
                            lang,
                            s,
                            html::embed(&self.ctx(lang, s), &g),
                        )
                    }),
                    None => self.not_found(lang),
                }
            }
            ["poster"] => self.poster(lang, query.unwrap_or_default()),
            _ => self.not_found(lang),
        }
    }

    fn poster(&self, lang: Lang, query: &str) -> Option<Arc<Rendered>> {
        let Ok(q) = PosterQuery::parse(query) else {
            return self.problem(lang, StatusCode::BAD_REQUEST, Msg::WebBadRequest);
        };
        let Some(group) = q
            .group
            .as_ref()
            .and_then(|g| self.app.config.group(g))
            .cloned()
        else {
            return self.not_found(lang);
        };
        let langs = if q.langs.is_empty() {
            vec![lang]
        } else {
            q.langs.clone()
        };
        let key = format!(
            "/{}/poster?group={}&source={}&lang={}",
            lang.code(),
            group.id,
            q.source.as_ref().map_or("", Source::as_str),
            langs.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
        );
        self.page(&key, |s| {
            self.html(
                StatusCode::OK,
                Kind::Page,
                langs[0],
                s,
                html::poster(&self.ctx(lang, s), &group, q.source.clone(), &langs),
            )
        })
    }

    fn feed(&self, lang: Lang) -> Option<Arc<Rendered>> {
        self.page(&format!("/{}/feed.ics", lang.code()), |s| {
            Rendered::new(
                StatusCode::OK,
                Kind::Calendar,
                Some(lang),
                html::feed(&self.ctx(lang, s)),
                Some(s.at),
            )
        })
    }

    fn not_found(&self, lang: Lang) -> Option<Arc<Rendered>> {
        self.problem(lang, StatusCode::NOT_FOUND, Msg::WebNotFound)
    }

    fn problem(&self, lang: Lang, status: StatusCode, msg: Msg) -> Option<Arc<Rendered>> {
        self.page(&format!("{} {}", status.as_u16(), lang.code()), |s| {
            self.html(
                status,
                Kind::Page,
                lang,
                s,
                html::problem(&self.ctx(lang, s), msg),
            )
        })
    }

    /// The response for a rendered page: its headers, and 304 when the client has it.
    fn respond(&self, p: &Rendered, method: &Method, headers: &HeaderMap) -> Response {
        let not_modified = p.status == StatusCode::OK
            && headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == p.etag || t.trim() == "*"));
        let body = if not_modified || method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(p.body.clone())
        };
        let mut r = Response::new(body);
        *r.status_mut() = if not_modified {
            StatusCode::NOT_MODIFIED
        } else {
            p.status
        };
        let h = r.headers_mut();
        let content_type = match p.kind {
            Kind::Page | Kind::Embed => "text/html; charset=utf-8",
            Kind::Style => "text/css; charset=utf-8",
            Kind::Calendar => "text/calendar; charset=utf-8",
        };
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if method == Method::HEAD && !not_modified {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(p.body.len()));
        }
        let max_age = match (p.kind, p.status) {
            (Kind::Style, _) => STYLE_MAX_AGE,
            (_, StatusCode::OK) => PAGE_MAX_AGE,
            _ => 60,
        };
        if let Ok(v) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
            h.insert(header::CACHE_CONTROL, v);
        }
        if let Ok(v) = HeaderValue::from_str(&p.etag) {
            h.insert(header::ETAG, v);
        }
        if let Some(v) = p
            .last_modified
            .as_deref()
            .and_then(|d| HeaderValue::from_str(d).ok())
        {
            h.insert(header::LAST_MODIFIED, v);
        }
        if let Some(lang) = p.lang {
            h.insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.code()),
            );
        }
        security_headers(h);
        if p.kind == Kind::Embed {
            let csp = CSP.replace(
                "frame-ancestors 'none'",
                &format!("frame-ancestors {}", self.frame_ancestors),
            );
            if let Ok(v) = HeaderValue::from_str(&csp) {
                h.insert(header::CONTENT_SECURITY_POLICY, v);
            }
        } else {
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        if p.kind == Kind::Calendar {
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"kokoon.ics\""),
            );
        }
        r
    }
}

/// Headers every response carries.
fn security_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// `/healthz`: 200 when the pages can be shown (the store answers), else 503. Never cached.
fn healthz(ok: bool) -> Response {
    let mut r = Response::new(Body::from(if ok { "ok\n" } else { "unavailable\n" }));
    if !ok {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    security_headers(h);
    r
}

/// `/`: to the reader's language, from `Accept-Language` (Finnish when none fits).
fn redirect(headers: &HeaderMap) -> Response {
    let lang = accept_language(headers);
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::FOUND;
    let h = r.headers_mut();
    h.insert(
        header::LOCATION,
        HeaderValue::from_static(match lang {
            Lang::Fi => "/fi",
            Lang::Sv => "/sv",
            Lang::En => "/en",
        }),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    security_headers(h);
    r
}

/// The best of fi, sv and en by the `Accept-Language` header's weights; Finnish by default.
#[must_use]
pub fn accept_language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::Fi;
    };
    pick_language(value)
}

/// [`accept_language`] on the header's text.
#[must_use]
pub fn pick_language(value: &str) -> Lang {
    let mut best: Option<(u16, Lang)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let weight = (q.clamp(0.0, 1.0) * 1000.0) as u16;
        let primary = tag.split('-').next().unwrap_or_default();
        let lang = match primary {
            "fi" => Lang::Fi,
            "sv" => Lang::Sv,
            "en" => Lang::En,
            _ => continue,
        };
        if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, lang));
        }
    }
    best.map_or(Lang::Fi, |(_, l)| l)
}

/// A poster's query: `group=…&source=…&lang=fi&lang=sv`. Values are ids, so anything that
/// would need decoding is refused rather than decoded.
#[derive(Debug, Default, PartialEq, Eq)]
struct PosterQuery {
    group: Option<GroupId>,
    source: Option<Source>,
    langs: Vec<Lang>,
}

impl PosterQuery {
    fn parse(query: &str) -> Result<PosterQuery, ()> {
        let mut q = PosterQuery::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "group" => q.group = Some(GroupId::parse(v).map_err(|_| ())?),
                "source" if v.is_empty() => q.source = None,
                "source" => q.source = Some(Source::parse(v).map_err(|_| ())?),
                "lang" => {
                    let l = Lang::from_code(v).ok_or(())?;
                    if !q.langs.contains(&l) {
                        q.langs.push(l);
                    }
                }
                _ => {}
            }
        }
        Ok(q)
    }
}

/// The axum router of the public listener: every path goes through one handler, which serves
/// the public pages and `/healthz` and nothing else.
pub fn router(app: App) -> axum::Router {
    let web = Arc::new(Web::new(app));
    axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap| {
        let web = web.clone();
        async move { web.answer(&method, &uri, &headers) }
    })
}

/// Serves the public pages on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        log::info!("web: serving the public page on http://{addr}");
    }
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests;
