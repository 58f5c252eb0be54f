//! The public web page as a person sees it. A test instance (the engine and store in process, on
//! a manual clock, with families registered and one group launched) serves the page on
//! 127.0.0.1; headless Chromium opens each language's page at phone and desktop widths, takes
//! screenshots (kept under `target/web-screenshots/`), and the test reads the page's text from
//! the browser's DOM, checks that the join link is the group's deep link, that the QR code in
//! the screenshot decodes to it (rqrr), and that nothing of the launched group's meeting, and
//! no person but the published contacts, is on any page.
//!
//! Chromium is Debian's `chromium` (or `KOKOON_CHROMIUM`). Without one the browser test skips
//! with a message, unless `KOKOON_REQUIRE_BROWSER=1` (the CI's web step) makes that a failure.

use crate::chat::{app_with_clock, deliveries, Chat};
use kokoon::app::App;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const COORD: u64 = 100_000_002;

/// Where the launched group meets: must never be on a public page.
const SECRET_PLACE: &str = "Salainen kerhohuone 7";

/// Registers one family for a group with one child of `age` (none for an adults' group).
async fn register(app: &App, user: u64, group: &str, age: Option<&str>, area: &str, lang: &str) {
    let mut p = Chat::new(app, user, "fi");
    p.says(&format!("/start {group}")).await;
    p.taps("Hyväksyn tallennuksen").await;
    if let Some(age) = age {
        p.taps(age).await;
        p.taps("Ei muita, jatketaan").await;
    }
    p.taps(area).await;
    p.taps(lang).await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Ei, kiitos").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await;
}

/// Serves the web page of `app` on a free port; stops when the sender is dropped.
async fn serve(app: &App) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(kokoon::web::serve(listener, app.clone(), async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// A plain HTTP/1.1 GET: status line and body.
async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .expect("request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Every public page of the example config.
fn all_pages(app: &App) -> Vec<String> {
    let mut pages = vec!["/feed.ics".to_owned(), "/healthz".to_owned()];
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
    pages
}

/// The test instance: what the page should and should not show.
struct Instance {
    app: App,
    _dir: tempfile::TempDir,
    /// Ids and names of everyone who wrote to the bot, and the coordinators' ids and names.
    people: Vec<String>,
}

/// Families in four pools, Tilli Toukka launched in Hyvinkää, the config's event; the page
/// first seen before any of it, then an hour later.
async fn instance() -> Instance {
    let (app, clock, dir) = app_with_clock();
    kokoon::app::sync_config_events(&app).await.expect("events");
    let mut users = Vec::new();
    // Tilli Toukka, Hyvinkää, Finnish: five children, launched below.
    for u in 6001..=6005 {
        register(&app, u, "tilli-toukka", Some("5"), "Hyvinkää", "suomi").await;
        users.push(u);
    }
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 5/5").await;
    c.says("14.1. klo 17").await;
    c.says("90 min").await;
    c.says(SECRET_PLACE).await;
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(&app).await;
    let mut first = Chat::new(&app, 6001, "fi");
    if let Some(invite) = sent.iter().find(|d| d.to == 6001) {
        first.reads(invite);
        first.taps("Kyllä, tulemme").await;
    }
    // Tilli Toukka, Järvenpää, Finnish: three families (gathering).
    for u in 6011..=6013 {
        register(&app, u, "tilli-toukka", Some("4"), "Järvenpää", "suomi").await;
        users.push(u);
    }
    // Tilli Toukka, Porvoo, Swedish: two families (not yet: not listed).
    for u in 6021..=6022 {
        register(&app, u, "tilli-toukka", Some("5"), "Porvoo", "ruotsi").await;
        users.push(u);
    }
    // The school children's group, Hyvinkää, Finnish: five children (about to start).
    for u in 6031..=6035 {
        register(&app, u, "koululaiset", Some("8"), "Hyvinkää", "suomi").await;
        users.push(u);
    }
    deliveries(&app).await;
    clock.advance(chrono::Duration::hours(1));
    let mut people: Vec<String> = users
        .iter()
        .flat_map(|u| [u.to_string(), format!("Parent {u}"), format!("parent{u}")])
        .collect();
    for c in &app.config.coordinators {
        people.push(c.telegram_id.0.to_string());
        people.push(c.name.clone());
    }
    Instance {
        app,
        _dir: dir,
        people,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_is_coarse_hourly_and_launched_meetings_and_people_stay_private() {
    let (app, clock, _dir) = app_with_clock();
    let (addr, _stop) = serve(&app).await;
    let (status, before) = http_get(addr, "/fi").await;
    assert_eq!(status, 200);
    assert!(before.contains("Ei vielä missään kunnassa"));
    for u in 7001..=7003 {
        register(&app, u, "tilli-toukka", Some("5"), "Hyvinkää", "suomi").await;
    }
    let (_, same_hour) = http_get(addr, "/fi").await;
    assert_eq!(same_hour, before, "nothing changes within the hour");
    clock.advance(chrono::Duration::minutes(59));
    assert_eq!(http_get(addr, "/fi").await.1, before, "still the same hour");
    clock.advance(chrono::Duration::minutes(1));
    let (_, later) = http_get(addr, "/fi").await;
    assert!(
        later
            .contains("Hyvinkää (suomi): <strong class=\"badge gathering\">kokoontumassa</strong>"),
        "{later}"
    );
    assert!(
        !later.contains(">3<") && !later.contains(" 3 "),
        "no counts"
    );

    let inst = instance().await;
    let (addr, _stop) = serve(&inst.app).await;
    let (_, fi) = http_get(addr, "/fi").await;
    assert!(
        fi.contains("Järvenpää (suomi): <strong class=\"badge gathering\">kokoontumassa</strong>"),
        "{fi}"
    );
    assert!(
        fi.contains("Hyvinkää (suomi): <strong class=\"badge starting\">alkamassa pian</strong>"),
        "{fi}"
    );
    assert!(!fi.contains("Porvoo"), "two families are not yet shown");
    assert!(
        fi.contains("Eron edessä -ilta"),
        "the config's public event"
    );
    for page in all_pages(&inst.app) {
        let (status, body) = http_get(addr, &page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            !body.contains(SECRET_PLACE),
            "{page} shows the launched meeting's place"
        );
        assert!(
            !body.contains("14.1."),
            "{page} shows the launched meeting's time"
        );
        assert!(
            !body.contains("20270114"),
            "{page} has the launched meeting in the feed"
        );
        for who in &inst.people {
            assert!(!body.contains(who.as_str()), "{page} shows {who:?}");
        }
    }
}

// ---- in a real browser ----

/// Debian's Chromium, or `KOKOON_CHROMIUM`; `None` (with a message) when there is none and the
/// browser is not required.
fn browser() -> Option<PathBuf> {
    let required = std::env::var("KOKOON_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let found = std::env::var_os("KOKOON_CHROMIUM")
        .map(PathBuf::from)
        .into_iter()
        .chain(
            ["chromium", "chromium-browser", "google-chrome"]
                .iter()
                .flat_map(|name| {
                    std::env::var_os("PATH")
                        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |dir| dir.join(name))
                }),
        )
        .find(|p| p.is_file());
    match found {
        Some(p) => Some(p),
        None if required => {
            panic!("KOKOON_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)")
        }
        None => {
            eprintln!(
                "web: no Chromium found (apt-get install chromium, or set KOKOON_CHROMIUM): skipping the browser test"
            );
            None
        }
    }
}

/// Runs headless Chromium with the flags that keep it off the network and out of the user's
/// profile; returns its stdout.
async fn chromium(browser: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut cmd = tokio::process::Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .kill_on_drop(true)
    .stdin(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let out = tokio::time::timeout(Duration::from_secs(90), cmd.output())
        .await
        .expect("Chromium finished within 90 s")
        .expect("Chromium runs");
    assert!(out.status.success(), "Chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every QR code in a PNG screenshot, decoded.
fn qr_codes(png_bytes: &[u8]) -> Vec<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        png::ColorType::GrayscaleAlpha => 2,
        _ => 1,
    };
    let grey: Vec<u8> = buf[..w * h * channels]
        .chunks(channels)
        .map(|p| {
            if channels >= 3 {
                ((u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10) as u8
            } else {
                p[0]
            }
        })
        .collect();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    img.detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// The screenshot directory under target/.
fn shots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("web-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// What a screen reader would read of a DOM dump: the text, tags dropped.
fn visible_text(dom: &str) -> String {
    let body = dom.split_once("<body").map_or(dom, |(_, b)| b);
    kokoon::i18n::strip_html(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_language_in_chromium_at_phone_and_desktop_widths() {
    let Some(browser) = browser() else {
        return;
    };
    let inst = instance().await;
    let (addr, _stop) = serve(&inst.app).await;
    let dir = shots_dir();
    let config = &inst.app.config;
    for (lang, title, gathering, starting, area) in [
        (
            "fi",
            "Vertaisryhmät eroperheille",
            "kokoontumassa",
            "alkamassa pian",
            "Järvenpää",
        ),
        (
            "sv",
            "Kamratstödsgrupper för skilsmässofamiljer",
            "samlas",
            "startar snart",
            "Träskända",
        ),
        (
            "en",
            "Peer support groups for separated families",
            "gathering",
            "about to start",
            "Järvenpää",
        ),
    ] {
        let url = format!("http://{addr}/{lang}");
        let dom = chromium(&browser, &["--dump-dom".to_owned(), url.clone()]).await;
        assert!(
            dom.contains(&format!("<html lang=\"{lang}\">")),
            "{lang}: {dom}"
        );
        let text = visible_text(&dom);
        assert!(text.contains(title), "{lang}: {text}");
        assert!(text.contains(&format!("{area} (")), "{lang}: {text}");
        assert!(
            text.contains(gathering) && text.contains(starting),
            "{lang}: {text}"
        );
        let l = kokoon::domain::Lang::from_code(lang).expect("lang");
        let public = config.groups[0].contact.as_ref().expect("a public contact");
        assert!(text.contains(public.name.get(l)), "{lang}");
        assert!(!text.contains(SECRET_PLACE), "{lang}");
        for who in &inst.people {
            assert!(!text.contains(who.as_str()), "{lang}: {who}");
        }
        let links: Vec<String> = config
            .groups
            .iter()
            .map(|g| format!("https://t.me/{}?start={}", config.bot_username, g.id))
            .collect();
        for link in &links {
            assert!(
                dom.contains(&format!("<a class=\"join\" href=\"{link}\">")),
                "{lang}: the join button is not {link}"
            );
        }
        for (width, height, name) in [(390, 2400, "phone"), (1280, 1400, "desktop")] {
            let path = dir.join(format!("{lang}-{name}.png"));
            let _ = std::fs::remove_file(&path);
            chromium(
                &browser,
                &[
                    format!("--screenshot={}", path.display()),
                    format!("--window-size={width},{height}"),
                    url.clone(),
                ],
            )
            .await;
            let png = std::fs::read(&path).expect("a screenshot");
            let codes = qr_codes(&png);
            assert!(
                codes.contains(&links[0]),
                "{lang} {name}: the first group's QR code does not decode to {}: {codes:?}",
                links[0]
            );
            assert!(
                codes.iter().all(|c| links.contains(c)),
                "{lang} {name}: a QR code that is no group's deep link: {codes:?}"
            );
        }
        // The embeddable card and a poster, as printed.
        for (page, file, width, height, link) in [
            (
                format!("/{lang}/embed/koululaiset"),
                format!("{lang}-embed.png"),
                390,
                1400,
                format!("https://t.me/{}?start=koululaiset", config.bot_username),
            ),
            (
                format!("/{lang}/poster?group=tilli-toukka&source=neuvola&lang={lang}&lang=fi"),
                format!("{lang}-poster.png"),
                900,
                1300,
                format!(
                    "https://t.me/{}?start=tilli-toukka__neuvola",
                    config.bot_username
                ),
            ),
        ] {
            let path = dir.join(&file);
            let _ = std::fs::remove_file(&path);
            chromium(
                &browser,
                &[
                    format!("--screenshot={}", path.display()),
                    format!("--window-size={width},{height}"),
                    format!("http://{addr}{page}"),
                ],
            )
            .await;
            let codes = qr_codes(&std::fs::read(&path).expect("a screenshot"));
            assert_eq!(codes, [link], "{page}");
        }
    }
}

/// The axe-core check (`tests/web/axe.mjs`): Node and `tests/web/node_modules` (`npm ci` there);
/// `None` with a message when missing and the browser is not required.
fn axe_runner() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web");
    let ready = dir.join("node_modules/axe-core/axe.min.js").is_file()
        && dir.join("node_modules/puppeteer-core").is_dir();
    let required = std::env::var("KOKOON_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    match (ready, required) {
        (true, _) => Some(dir),
        (false, true) => panic!(
            "KOKOON_REQUIRE_BROWSER=1 but tests/web/node_modules is missing: run `npm ci` in tests/web"
        ),
        (false, false) => {
            eprintln!("web: no tests/web/node_modules (npm ci in tests/web): skipping the axe check");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_wcag_2_aa_violations_on_any_page() {
    let Some(browser) = browser() else {
        return;
    };
    let Some(dir) = axe_runner() else {
        return;
    };
    let inst = instance().await;
    let (addr, _stop) = serve(&inst.app).await;
    let mut pages = Vec::new();
    for l in ["fi", "sv", "en"] {
        for p in [
            "",
            "/professionals",
            "/accessibility",
            "/embed/tilli-toukka",
        ] {
            pages.push(format!("/{l}{p}"));
        }
        pages.push(format!(
            "/{l}/poster?group=eron-edessa&source=neuvola&lang=fi&lang=sv&lang=en"
        ));
    }
    let mut cmd = tokio::process::Command::new("node");
    cmd.current_dir(&dir)
        .arg("axe.mjs")
        .arg(format!("http://{addr}"))
        .args(&pages)
        .env("KOKOON_CHROMIUM", &browser)
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(300), cmd.output())
        .await
        .expect("axe finished within 5 minutes")
        .expect("node runs");
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    assert!(
        out.status.success(),
        "axe found WCAG 2 AA violations (or could not run):\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report.matches("0 violations").count(),
        pages.len() * 2,
        "every page at both widths was checked:\n{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kokoon_run_with_web_serves_the_page_beside_the_bot_and_stops_with_it() {
    use crate::fake_telegram::FakeTelegram;
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let log = dir.path().join("kokoon.log");
    let polls_before = fake.get_updates_calls();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml", "run", "--data"])
        .arg(dir.path().join("data"))
        .args(["--api-url", &fake.api_url(), "--web", &addr.to_string()])
        .env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
        .env("KOKOON_KEY", crate::chat::TEST_KEY_HEX)
        .env_remove("KOKOON_KEY_FILE")
        .env_remove("KOKOON_WEB")
        .env_remove("TELOXIDE_API_URL")
        .env("KOKOON_RATE_LIMIT", "off")
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .expect("kokoon starts");
    let polling = fake
        .wait_until(Duration::from_secs(20), |f| {
            f.get_updates_calls() > polls_before
        })
        .await;
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    assert!(polling, "kokoon did not poll; log:\n{}", log_text());
    assert_eq!(http_get(addr, "/healthz").await, (200, "ok\n".to_owned()));
    let (status, page) = http_get(addr, "/sv").await;
    assert_eq!(status, 200);
    assert!(page.contains("Kamratstödsgrupper för skilsmässofamiljer"));
    assert!(
        page.contains("Inför skilsmässan – kvällsträff"),
        "the config's event"
    );
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let began = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("status") {
            break s;
        }
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "kokoon did not stop within 10 s of SIGTERM; log:\n{}",
            log_text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}; log:\n{}", log_text());
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the web page stopped with the bot"
    );
}
