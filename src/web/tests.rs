//! The web front end in process: what each address answers, its headers, the cache, escaping.
//! What a person sees in a browser is tested in `tests/e2e/web.rs`.

use super::*;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::i18n::I18n;
use crate::store::{Key, Store};

fn app_with(config_text: &str) -> (App, Arc<ManualClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Arc::new(Config::parse("kokoon.toml", config_text).expect("valid config"));
    let key = Key::from_bytes([7; 32]);
    let store = Store::open_with(dir.path(), 1 << 20, &key, config.clone()).expect("store");
    let clock = Arc::new(ManualClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .expect("time")
            .into(),
    ));
    let app = App {
        config: config.into(),
        store,
        i18n: Arc::new(I18n::new().expect("locales")),
        clock: clock.clone(),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    };
    (app, clock, dir)
}

const EXAMPLE: &str = include_str!("../../config/kokoon.toml");

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn get_with(web: &Web, path: &str, headers: HeaderMap) -> Got {
    let uri: Uri = path.parse().expect("uri");
    let r = web.answer(&Method::GET, &uri, &headers);
    let status = r.status();
    let headers = r.headers().clone();
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24)
        .await
        .expect("body");
    Got {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).expect("utf-8"),
    }
}

async fn get(web: &Web, path: &str) -> Got {
    get_with(web, path, HeaderMap::new()).await
}

fn header(g: &Got, name: header::HeaderName) -> &str {
    g.headers
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn each_language_has_its_page_with_groups_contacts_and_join_links() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app.clone());
    for (lang, title, contact) in [
        ("fi", "Vertaisryhmät eroperheille", "Koordinaattori"),
        (
            "sv",
            "Kamratstödsgrupper för skilsmässofamiljer",
            "Koordinator",
        ),
        (
            "en",
            "Peer support groups for separated families",
            "Coordinator",
        ),
    ] {
        let g = get(&web, &format!("/{lang}")).await;
        assert_eq!(g.status, StatusCode::OK, "{lang}");
        assert!(
            g.body.contains(&format!("<html lang=\"{lang}\">")),
            "{lang}"
        );
        assert!(g.body.contains(title), "{lang}: {title}");
        assert!(g.body.contains(contact), "{lang}: {contact}");
        for group in &app.config.groups {
            let l = Lang::from_code(lang).expect("lang");
            assert!(
                g.body.contains(&esc_html(group.name.get(l))),
                "{lang}: {}",
                group.id
            );
            let link = format!("https://t.me/kokoon_hyvinkaa_bot?start={}", group.id);
            assert!(
                g.body.contains(&format!("href=\"{link}\"")),
                "{lang}: {link}"
            );
        }
        let l = Lang::from_code(lang).expect("lang");
        let public = app.config.groups[0].contact.as_ref().expect("a contact");
        assert!(g.body.contains(&esc_html(public.name.get(l))), "{lang}");
        assert!(g.body.contains("tilli-toukka@example.fi"));
        assert!(g
            .body
            .contains("<svg class=\"qr\" role=\"img\" aria-label="));
        assert!(
            !g.body.contains("<?xml"),
            "the SVG is inline, not a document"
        );
        assert!(!g.body.contains("<script"), "no JavaScript");
        assert_eq!(header(&g, header::CONTENT_LANGUAGE), lang);
    }
}

fn esc_html(s: &str) -> String {
    crate::i18n::escape_html(s)
}

#[tokio::test]
async fn no_telegram_id_or_coordinator_name_from_the_config_is_shown() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app.clone());
    let mut pages = vec!["/feed.ics".to_owned()];
    for l in ["fi", "sv", "en"] {
        for p in ["", "/professionals", "/accessibility", "/feed.ics"] {
            pages.push(format!("/{l}{p}"));
        }
        for g in &app.config.groups {
            pages.push(format!("/{l}/embed/{}", g.id));
            pages.push(format!(
                "/{l}/poster?group={}&source=neuvola&lang=fi&lang=sv&lang=en",
                g.id
            ));
        }
    }
    for p in &pages {
        let g = get(&web, p).await;
        assert_eq!(g.status, StatusCode::OK, "{p}");
        for c in &app.config.coordinators {
            assert!(!g.body.contains(&c.telegram_id.0.to_string()), "{p}");
            assert!(!g.body.contains(&c.name), "{p}: {}", c.name);
        }
    }
}

#[tokio::test]
async fn the_root_follows_accept_language_and_says_it_varies() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app);
    for (accept, to) in [
        (None, "/fi"),
        (Some("sv-FI,sv;q=0.9,en;q=0.5"), "/sv"),
        (Some("de-DE, en;q=0.8, fi;q=0.3"), "/en"),
        (Some("fi;q=0, sv;q=0.1"), "/sv"),
        (Some("de"), "/fi"),
        (Some("garbage;;;q=x,"), "/fi"),
    ] {
        let mut h = HeaderMap::new();
        if let Some(a) = accept {
            h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(a));
        }
        let g = get_with(&web, "/", h).await;
        assert_eq!(g.status, StatusCode::FOUND);
        assert_eq!(header(&g, header::LOCATION), to, "{accept:?}");
        assert_eq!(header(&g, header::VARY), "Accept-Language");
    }
}

#[tokio::test]
async fn pages_are_cacheable_and_safe_by_their_headers() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app);
    let g = get(&web, "/fi").await;
    assert_eq!(header(&g, header::CACHE_CONTROL), "public, max-age=300");
    assert_eq!(header(&g, header::CONTENT_TYPE), "text/html; charset=utf-8");
    assert!(header(&g, header::LAST_MODIFIED).ends_with(" GMT"));
    let csp = header(&g, header::CONTENT_SECURITY_POLICY);
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(header(&g, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&g, header::REFERRER_POLICY), "no-referrer");
    assert!(g.headers.get(header::SET_COOKIE).is_none());
    let etag = header(&g, header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");

    let mut h = HeaderMap::new();
    h.insert(
        header::IF_NONE_MATCH,
        HeaderValue::from_str(&etag).expect("etag"),
    );
    let again = get_with(&web, "/fi", h).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(header(&again, header::ETAG), etag);

    let embed = get(&web, "/sv/embed/tilli-toukka").await;
    let csp = header(&embed, header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("frame-ancestors https://www.hyvinkaa.fi"),
        "{csp}"
    );
    assert!(embed.headers.get(header::X_FRAME_OPTIONS).is_none());
    assert_eq!(
        get(&web, "/fi").await.headers.get(header::X_FRAME_OPTIONS),
        Some(&HeaderValue::from_static("DENY"))
    );

    let css = get(&web, "/style.css").await;
    assert_eq!(
        header(&css, header::CONTENT_TYPE),
        "text/css; charset=utf-8"
    );
    assert_eq!(header(&css, header::CACHE_CONTROL), "public, max-age=86400");

    let health = get(&web, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.body, "ok\n");
    assert_eq!(header(&health, header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn unknown_addresses_and_bad_posters_get_a_short_page() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app);
    for p in [
        "/de",
        "/fi/metrics",
        "/metrics",
        "/fi/embed/no-such-group",
        "/fi/poster?group=nope",
        "/fi/embed/..%2f",
    ] {
        let g = get(&web, p).await;
        assert_eq!(g.status, StatusCode::NOT_FOUND, "{p}");
    }
    let g = get(&web, "/sv/embed/nope").await;
    assert!(g.body.contains("Sidan hittades inte."), "{}", g.body);
    for p in [
        "/fi/poster?group=tilli-toukka&source=%3Cscript%3E",
        "/fi/poster?group=tilli-toukka&lang=de",
        "/fi/poster?group=Tilli",
    ] {
        let g = get(&web, p).await;
        assert_eq!(g.status, StatusCode::BAD_REQUEST, "{p}");
        assert!(g.body.contains("Julisteen paikan nimessä"), "{p}");
    }
    let uri: Uri = "/fi".parse().expect("uri");
    let r = web.answer(&Method::POST, &uri, &HeaderMap::new());
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_poster_carries_its_source_in_the_qr_link_and_each_chosen_language() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app);
    let g = get(
        &web,
        "/en/poster?group=tilli-toukka&source=neuvola-keskusta&lang=sv&lang=fi&lang=sv",
    )
    .await;
    assert_eq!(g.status, StatusCode::OK);
    assert!(g
        .body
        .contains("https://t.me/kokoon_hyvinkaa_bot?start=tilli-toukka__neuvola-keskusta"));
    assert!(g.body.contains("<div class=\"poster-lang\" lang=\"sv\">"));
    assert!(g.body.contains("<div class=\"poster-lang\" lang=\"fi\">"));
    assert!(
        !g.body.contains("class=\"poster-lang\" lang=\"en\""),
        "English was not chosen"
    );
    assert!(
        g.body.contains("<html lang=\"sv\">"),
        "the first chosen language"
    );
    assert!(
        g.body.contains("<p class=\"no-print\" lang=\"en\">"),
        "the reader's own"
    );
    assert!(g.body.contains("Anmäl ditt intresse"));
    assert!(g.body.contains("Ilmoita kiinnostuksesi"));
    assert_eq!(g.body.matches("<svg class=\"qr\"").count(), 1);
}

#[tokio::test]
async fn the_status_changes_at_most_hourly_and_pages_are_rendered_once_per_snapshot() {
    let (app, clock, _dir) = app_with(EXAMPLE);
    let web = Web::new(app);
    let first = get(&web, "/fi").await;
    let first_etag = header(&first, header::ETAG).to_owned();
    let p1 = web.lock().pages.get("/fi").cloned().expect("kept");
    clock.advance(chrono::Duration::minutes(59));
    let _ = get(&web, "/fi").await;
    let p2 = web.lock().pages.get("/fi").cloned().expect("kept");
    assert!(Arc::ptr_eq(&p1, &p2), "the same rendering within the hour");
    clock.advance(chrono::Duration::minutes(1));
    let later = get(&web, "/fi").await;
    let p3 = web.lock().pages.get("/fi").cloned().expect("kept");
    assert!(!Arc::ptr_eq(&p1, &p3), "rendered again after an hour");
    assert_ne!(
        header(&later, header::ETAG),
        first_etag,
        "the update time moved"
    );
}

#[tokio::test]
async fn config_text_is_escaped_everywhere() {
    let evil = EXAMPLE
        .replacen(
            "name = { fi = \"Tilli Toukka\"",
            "name = { fi = \"Tilli <script>alert(1)</script> & \\\"Toukka\\\"\"",
            1,
        )
        .replacen("040 765 4321", "040 <i>\\\"1\\\"</i>", 1);
    let (app, _clock, _dir) = app_with(&evil);
    let web = Web::new(app);
    for p in [
        "/fi",
        "/fi/professionals",
        "/fi/embed/tilli-toukka",
        "/fi/poster?group=tilli-toukka&lang=fi",
    ] {
        let g = get(&web, p).await;
        assert!(!g.body.contains("<script"), "{p}");
        assert!(
            g.body
                .contains("Tilli &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Toukka&quot;"),
            "{p}"
        );
        assert!(!g.body.contains("<i>"), "{p}");
    }
    // The embed code shown to professionals is itself HTML for another site: the name inside
    // it is escaped once for that site and once more for this page.
    let g = get(&web, "/fi/professionals").await;
    assert!(
        g.body.contains("title=&quot;Tilli &amp;lt;script&amp;gt;"),
        "{}",
        g.body
    );
}

#[test]
fn poster_queries_parse_ids_only() {
    let q = PosterQuery::parse("group=tilli-toukka&source=neuvola_1&lang=fi&lang=en&x=1")
        .expect("valid");
    assert_eq!(q.group.as_ref().map(GroupId::as_str), Some("tilli-toukka"));
    assert_eq!(q.source.as_ref().map(Source::as_str), Some("neuvola_1"));
    assert_eq!(q.langs, [Lang::Fi, Lang::En]);
    assert!(PosterQuery::parse("source=a+b").is_err());
    assert!(PosterQuery::parse("source=%C3%A4").is_err());
    assert!(PosterQuery::parse("lang=FI").is_err());
    assert_eq!(
        PosterQuery::parse("source=").expect("empty is none").source,
        None
    );
}

#[tokio::test]
async fn the_feed_is_a_calendar_of_the_public_events() {
    let (app, _clock, _dir) = app_with(EXAMPLE);
    crate::app::sync_config_events(&app).await.expect("events");
    let web = Web::new(app);
    let g = get(&web, "/feed.ics").await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(
        header(&g, header::CONTENT_TYPE),
        "text/calendar; charset=utf-8"
    );
    assert!(g.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(
        g.body.matches("BEGIN:VEVENT").count(),
        3,
        "the three spring visits"
    );
    assert!(g.body.contains("SUMMARY:Eron edessä -ilta"));
    let sv = get(&web, "/sv/feed.ics").await;
    assert!(
        sv.body.contains("SUMMARY:Inför skilsmässan – kvällsträff"),
        "{}",
        sv.body
    );
    let home = get(&web, "/en").await;
    assert!(home.body.contains("Facing separation evening"));
    assert!(home
        .body
        .contains("https://t.me/kokoon_hyvinkaa_bot?start=event-"));
}
