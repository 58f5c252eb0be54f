//! The public pages as server-rendered HTML: no JavaScript, one small stylesheet, every text from
//! the locales and every value from the config or the store escaped. Pure: a snapshot, the config
//! and the locales in, a string out.

use super::snapshot::{Snapshot, Status};
use crate::config::{Config, ContactPerson, Group};
use crate::domain::{deep_link, Event, Lang, Source, StartPayload};
use crate::flow::Arg;
use crate::i18n::{escape_html as esc, I18n, Markup};
use crate::msg::Msg;

/// What a page is rendered with.
pub struct Ctx<'a> {
    /// The validated config.
    pub config: &'a Config,
    /// The locales.
    pub i18n: &'a I18n,
    /// The page's language.
    pub lang: Lang,
    /// What the store said, at most an hour ago.
    pub snap: &'a Snapshot,
}

impl Ctx<'_> {
    /// A message as HTML-safe text (its arguments escaped).
    fn t(&self, msg: Msg) -> String {
        self.i18n.text(self.lang, msg, &[], Markup::Html)
    }

    /// A message with arguments, as HTML-safe text.
    fn ta(&self, msg: Msg, args: &[(&'static str, Arg)]) -> String {
        self.i18n.text(self.lang, msg, args, Markup::Html)
    }

    fn t_in(&self, lang: Lang, msg: Msg) -> String {
        self.i18n.text(lang, msg, &[], Markup::Html)
    }

    fn org(&self) -> String {
        esc(self.config.organisation.get(self.lang))
    }

    /// Where the page is reached, for the snippet and the statement.
    fn site(&self) -> String {
        self.config.web.public_url.clone().unwrap_or_default()
    }
}

/// A page's frame: the full site with navigation, or a bare card for an `<iframe>`, or a poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Site,
    Embed,
    Poster,
}

fn lang_name(lang: Lang) -> Msg {
    match lang {
        Lang::Fi => Msg::UiLangFi,
        Lang::Sv => Msg::UiLangSv,
        Lang::En => Msg::UiLangEn,
    }
}

fn group_lang_name(lang: Lang) -> Msg {
    match lang {
        Lang::Fi => Msg::GroupLangFi,
        Lang::Sv => Msg::GroupLangSv,
        Lang::En => Msg::GroupLangEn,
    }
}

/// The whole document around `main`. `path` is the page's path after the language, so the
/// language links lead to the same page in another language.
fn shell(c: &Ctx<'_>, frame: Frame, title: &str, path: &str, main: &str) -> String {
    let lang = c.lang.code();
    let mut out = String::with_capacity(main.len() + 2048);
    out.push_str("<!doctype html>\n");
    out.push_str(&format!("<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"));
    out.push_str(&format!(
        "<title>{title}</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
    ));
    for l in Lang::ALL {
        out.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"{0}\" href=\"/{0}{path}\">\n",
            l.code()
        ));
    }
    out.push_str("</head>\n");
    let class = match frame {
        Frame::Site => "site",
        Frame::Embed => "embed",
        Frame::Poster => "poster-page",
    };
    out.push_str(&format!("<body class=\"{class}\">\n"));
    if frame == Frame::Site {
        out.push_str(&format!(
            "<a class=\"skip\" href=\"#main\">{}</a>\n<header class=\"top\">\n",
            c.t(Msg::WebSkip)
        ));
        out.push_str(&lang_nav(c, path));
        out.push_str(&format!(
            "<nav aria-label=\"{}\" class=\"pages\"><ul>\n",
            c.t(Msg::WebMainNav)
        ));
        for (p, msg) in [
            ("", Msg::WebHome),
            ("/professionals", Msg::WebProfessionals),
            ("/accessibility", Msg::WebA11y),
        ] {
            let current = if p == path {
                " aria-current=\"page\""
            } else {
                ""
            };
            out.push_str(&format!(
                "<li><a href=\"/{lang}{p}\"{current}>{}</a></li>\n",
                c.t(msg)
            ));
        }
        out.push_str("</ul></nav>\n</header>\n");
    }
    let id = if frame == Frame::Poster {
        "poster"
    } else {
        "main"
    };
    out.push_str(&format!("<main id=\"{id}\">\n{main}</main>\n"));
    if frame == Frame::Site {
        out.push_str(&format!(
            "<footer>\n<p>{}</p>\n<p>{} {}</p>\n</footer>\n",
            c.org(),
            c.ta(
                Msg::WebUpdated,
                &[(
                    "time",
                    Arg::Text(crate::domain::when::format_when(
                        c.snap.at, c.lang, c.snap.at
                    ))
                )]
            ),
            c.t(Msg::WebNoCookies)
        ));
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn lang_nav(c: &Ctx<'_>, path: &str) -> String {
    let mut out = format!(
        "<nav aria-label=\"{}\" class=\"langs\"><ul>\n",
        c.t(Msg::WebLangNav)
    );
    for l in Lang::ALL {
        let current = if l == c.lang {
            " aria-current=\"page\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<li><a href=\"/{0}{path}\" lang=\"{0}\" hreflang=\"{0}\"{current}>{1}</a></li>\n",
            l.code(),
            c.t_in(l, lang_name(l))
        ));
    }
    out.push_str("</ul></nav>\n");
    out
}

/// The QR code of `link` as inline SVG, named for screen readers.
fn qr(link: &str, label: &str) -> String {
    match crate::qr::svg(link) {
        Ok(svg) => {
            let at = svg.find("<svg").unwrap_or(0);
            let body = &svg[at..];
            let body = body.strip_prefix("<svg").unwrap_or(body);
            format!(
                "<svg class=\"qr\" role=\"img\" aria-label=\"{}\" focusable=\"false\"{body}",
                esc(label)
            )
        }
        Err(e) => {
            log::warn!("web::html::qr: {e}");
            String::new()
        }
    }
}

/// The group's public contact: its own, else the general one.
fn contact_of<'a>(config: &'a Config, group: &'a Group) -> &'a ContactPerson {
    group.contact.as_ref().unwrap_or(&config.contact)
}

fn contact_html(c: &Ctx<'_>, person: &ContactPerson, heading: &str) -> String {
    let mut out = format!(
        "<div class=\"contact\">\n{heading}\n<p>{}",
        esc(person.name.get(c.lang))
    );
    if let Some(phone) = &person.phone {
        let tel: String = phone
            .chars()
            .filter(|ch| ch.is_ascii_digit() || *ch == '+')
            .collect();
        out.push_str(&format!(
            "<br>{}: <a href=\"tel:{}\">{}</a>",
            c.t(Msg::WebPhone),
            esc(&tel),
            esc(phone)
        ));
    }
    if let Some(email) = &person.email {
        let e = esc(email);
        out.push_str(&format!(
            "<br>{}: <a href=\"mailto:{e}\">{e}</a>",
            c.t(Msg::WebEmail)
        ));
    }
    out.push_str("</p>\n</div>\n");
    out
}

fn ages(c: &Ctx<'_>, lang: Lang, group: &Group) -> String {
    match group.children {
        Some(r) => c.i18n.text(
            lang,
            Msg::WebAges,
            &[
                ("min", Arg::Num(i64::from(r.min))),
                ("max", Arg::Num(i64::from(r.max))),
            ],
            Markup::Html,
        ),
        None => c.t_in(lang, Msg::WebAdults),
    }
}

fn languages(c: &Ctx<'_>, lang: Lang, group: &Group) -> String {
    let names: Vec<Arg> = group
        .languages
        .iter()
        .map(|l| Arg::Msg(group_lang_name(*l)))
        .collect();
    c.i18n.text(
        lang,
        Msg::WebLanguages,
        &[("langs", Arg::Join(names, ", "))],
        Markup::Html,
    )
}

/// The group's deep link: the join button and the QR code.
#[must_use]
pub fn join_link(config: &Config, group: &Group, source: Option<Source>) -> String {
    deep_link(
        &config.bot_username,
        &StartPayload::Group {
            group: group.id.clone(),
            source,
        },
    )
}

fn status_word(c: &Ctx<'_>, s: Status) -> (&'static str, String) {
    match s {
        Status::NotYet => ("not-yet", c.t(Msg::WebStatusNotYet)),
        Status::Gathering => ("gathering", c.t(Msg::WebStatusGathering)),
        Status::AboutToStart => ("starting", c.t(Msg::WebStatusStarting)),
    }
}

/// One group's card: the home page's section and the embeddable snippet.
fn group_card(c: &Ctx<'_>, group: &Group, heading: &str, explain: bool) -> String {
    let name = esc(group.name.get(c.lang));
    let hid = format!("g-{}", group.id);
    let link = join_link(c.config, group, None);
    let mut out = format!(
        "<section class=\"group\" aria-labelledby=\"{hid}\">\n<{heading} id=\"{hid}\">{name}</{heading}>\n"
    );
    out.push_str(&format!(
        "<p>{}</p>\n<ul class=\"facts\">\n<li>{}</li>\n<li>{}</li>\n</ul>\n",
        esc(group.description.get(c.lang)),
        ages(c, c.lang, group),
        languages(c, c.lang, group)
    ));
    let sub = if heading == "h1" { "h2" } else { "h3" };
    out.push_str(&format!("<{sub}>{}</{sub}>\n", c.t(Msg::WebStatusTitle)));
    let areas = c
        .snap
        .groups
        .iter()
        .find(|g| g.group == group.id)
        .map(|g| g.areas.as_slice())
        .unwrap_or_default();
    if areas.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", c.t(Msg::WebStatusNone)));
    } else {
        out.push_str("<ul class=\"status\">\n");
        for a in areas {
            let area = c
                .config
                .area(&a.area)
                .map_or_else(|| a.area.to_string(), |x| x.name.get(c.lang).to_owned());
            let lang = a
                .lang
                .map(|l| format!(" ({})", c.t(group_lang_name(l))))
                .unwrap_or_default();
            let (class, word) = status_word(c, a.status);
            out.push_str(&format!(
                "<li>{}{lang}: <strong class=\"badge {class}\">{word}</strong></li>\n",
                esc(&area)
            ));
        }
        out.push_str("</ul>\n");
        out.push_str(&format!("<p>{}</p>\n", c.t(Msg::WebStatusOthers)));
    }
    if explain {
        out.push_str(&format!(
            "<p class=\"explain\">{}</p>\n",
            c.t(Msg::WebStatusExplain)
        ));
    }
    out.push_str(&format!(
        "<p><a class=\"join\" href=\"{}\">{}</a></p>\n",
        esc(&link),
        c.t(Msg::WebJoin)
    ));
    let label = c.ta(
        Msg::WebQrLabel,
        &[("group", Arg::Text(group.name.get(c.lang).to_owned()))],
    );
    out.push_str(&format!(
        "<figure class=\"qr\">\n{}\n<figcaption>{}<br><span class=\"link\">{}</span></figcaption>\n</figure>\n",
        qr(&link, &crate::i18n::strip_html(&label)),
        c.t(Msg::WebQrCaption),
        esc(&link)
    ));
    out.push_str(&contact_html(
        c,
        contact_of(c.config, group),
        &format!("<{sub}>{}</{sub}>", c.t(Msg::WebContact)),
    ));
    out.push_str("</section>\n");
    out
}

fn event_html(c: &Ctx<'_>, e: &Event) -> String {
    let title = esc(e.title.get(c.lang));
    let when = {
        let start = crate::domain::when::format_when(e.start, c.lang, c.snap.at);
        let same_day = e.start.with_timezone(&crate::domain::when::TZ).date_naive()
            == e.end.with_timezone(&crate::domain::when::TZ).date_naive();
        if same_day && e.end > e.start {
            format!(
                "{start}–{}",
                crate::domain::when::format_clock(e.end, c.lang)
                    .trim_start_matches("klo ")
                    .trim_start_matches("kl. ")
            )
        } else {
            start
        }
    };
    let link = deep_link(
        &c.config.bot_username,
        &StartPayload::Event(e.id.to_string()),
    );
    let mut out = format!("<li class=\"event\">\n<h3>{title}</h3>\n<dl>\n");
    out.push_str(&format!(
        "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n",
        c.t(Msg::WebEventWhen),
        esc(&when),
        c.t(Msg::WebEventPlace),
        esc(&e.place)
    ));
    if let Some(d) = &e.description {
        out.push_str(&format!("<p>{}</p>\n", esc(d.get(c.lang))));
    }
    out.push_str(&format!(
        "<p><a class=\"join\" href=\"{}\">{}<span class=\"visually-hidden\">: {title}</span></a></p>\n</li>\n",
        esc(&link),
        c.t(Msg::WebEventJoin)
    ));
    out
}

/// `/{lang}`: every group with its status, contact and join link; the upcoming public events.
#[must_use]
pub fn home(c: &Ctx<'_>) -> String {
    let mut main = format!(
        "<h1>{}</h1>\n<p class=\"intro\">{}</p>\n<p class=\"explain\">{}</p>\n",
        c.t(Msg::WebTitle),
        c.ta(
            Msg::WebIntro,
            &[(
                "organisation",
                Arg::Text(c.config.organisation.get(c.lang).to_owned())
            )]
        ),
        c.t(Msg::WebStatusExplain)
    );
    for g in &c.config.groups {
        main.push_str(&group_card(c, g, "h2", false));
    }
    main.push_str(&format!(
        "<section aria-labelledby=\"events\">\n<h2 id=\"events\">{}</h2>\n",
        c.t(Msg::WebEvents)
    ));
    if c.snap.events.is_empty() {
        main.push_str(&format!("<p>{}</p>\n", c.t(Msg::WebEventsNone)));
    } else {
        main.push_str("<ul class=\"events\">\n");
        for e in &c.snap.events {
            main.push_str(&event_html(c, e));
        }
        main.push_str("</ul>\n");
    }
    main.push_str(&format!(
        "<p><a href=\"/{}/feed.ics\">{}</a></p>\n</section>\n",
        c.lang.code(),
        c.t(Msg::WebFeed)
    ));
    shell(c, Frame::Site, &c.t(Msg::WebTitle), "", &main)
}

/// `/{lang}/embed/{group}`: one group's card, for an `<iframe>` on another site.
#[must_use]
pub fn embed(c: &Ctx<'_>, group: &Group) -> String {
    let mut main = group_card(c, group, "h1", true);
    main.push_str(&format!(
        "<p><a href=\"/{}\" target=\"_blank\" rel=\"noopener\">{}</a></p>\n",
        c.lang.code(),
        c.t(Msg::WebMore)
    ));
    shell(
        c,
        Frame::Embed,
        &esc(group.name.get(c.lang)),
        &format!("/embed/{}", group.id),
        &main,
    )
}

/// `/{lang}/professionals`: the poster form and the embeddable snippets.
#[must_use]
pub fn professionals(c: &Ctx<'_>) -> String {
    let lang = c.lang.code();
    let mut main = format!(
        "<h1>{}</h1>\n<p class=\"intro\">{}</p>\n",
        c.t(Msg::WebProfessionals),
        c.t(Msg::WebProIntro)
    );
    main.push_str(&format!(
        "<section aria-labelledby=\"poster\">\n<h2 id=\"poster\">{}</h2>\n<form method=\"get\" action=\"/{lang}/poster\">\n",
        c.t(Msg::WebProPoster)
    ));
    main.push_str(&format!(
        "<p><label for=\"group\">{}</label><br>\n<select id=\"group\" name=\"group\">\n",
        c.t(Msg::WebProGroup)
    ));
    for g in &c.config.groups {
        main.push_str(&format!(
            "<option value=\"{}\">{}</option>\n",
            g.id,
            esc(g.name.get(c.lang))
        ));
    }
    main.push_str("</select></p>\n");
    main.push_str(&format!(
        "<p><label for=\"source\">{}</label><br>\n<input id=\"source\" name=\"source\" type=\"text\" maxlength=\"32\" pattern=\"[A-Za-z0-9_\\-]*\" autocomplete=\"off\" aria-describedby=\"source-hint\"><br>\n<span id=\"source-hint\" class=\"hint\">{}</span></p>\n",
        c.t(Msg::WebProSource),
        c.t(Msg::WebProSourceHint)
    ));
    main.push_str(&format!(
        "<fieldset>\n<legend>{}</legend>\n",
        c.t(Msg::WebProLangs)
    ));
    for l in Lang::ALL {
        let checked = if l == c.lang { " checked" } else { "" };
        main.push_str(&format!(
            "<label class=\"check\"><input type=\"checkbox\" name=\"lang\" value=\"{0}\"{checked}> <span lang=\"{0}\">{1}</span></label>\n",
            l.code(),
            c.t_in(l, lang_name(l))
        ));
    }
    main.push_str(&format!(
        "</fieldset>\n<p><button type=\"submit\">{}</button></p>\n</form>\n<p>{}</p>\n</section>\n",
        c.t(Msg::WebProShow),
        c.t(Msg::WebProPrint)
    ));
    main.push_str(&format!(
        "<section aria-labelledby=\"embed\">\n<h2 id=\"embed\">{}</h2>\n<p>{}</p>\n",
        c.t(Msg::WebProEmbed),
        c.t(Msg::WebProEmbedIntro)
    ));
    let site = c.site();
    for g in &c.config.groups {
        main.push_str(&format!("<h3>{}</h3>\n", esc(g.name.get(c.lang))));
        for l in Lang::ALL {
            let snippet = format!(
                "<iframe src=\"{site}/{}/embed/{}\" title=\"{}\" width=\"100%\" height=\"900\" style=\"border:0\"></iframe>",
                l.code(),
                g.id,
                esc(g.name.get(l))
            );
            let label = c.ta(
                Msg::WebProEmbedCode,
                &[
                    ("group", Arg::Text(g.name.get(c.lang).to_owned())),
                    ("lang", Arg::Msg(group_lang_name(l))),
                ],
            );
            main.push_str(&format!(
                "<p class=\"snippet-label\">{label}</p>\n<pre class=\"snippet\"><code>{}</code></pre>\n",
                esc(&snippet)
            ));
        }
    }
    main.push_str("</section>\n");
    shell(
        c,
        Frame::Site,
        &c.t(Msg::WebProfessionals),
        "/professionals",
        &main,
    )
}

/// `/{lang}/poster`: an A4 poster of one group, its QR code carrying the recruitment source,
/// with the texts in each chosen language.
#[must_use]
pub fn poster(c: &Ctx<'_>, group: &Group, source: Option<Source>, langs: &[Lang]) -> String {
    let link = join_link(c.config, group, source);
    let first = langs.first().copied().unwrap_or(c.lang);
    let mut main = format!(
        "<p class=\"no-print\" lang=\"{0}\"><a href=\"/{0}/professionals\">{1}</a> · {2}</p>\n<article class=\"poster\">\n",
        c.lang.code(),
        c.t(Msg::WebProfessionals),
        c.t(Msg::WebProPrint)
    );
    for (i, l) in langs.iter().enumerate() {
        let tag = if i == 0 { "h1" } else { "h2" };
        main.push_str(&format!(
            "<div class=\"poster-lang\" lang=\"{}\">\n<{tag}>{}</{tag}>\n<p class=\"call\">{}</p>\n<p>{}</p>\n<p class=\"facts\">{} · {}</p>\n",
            l.code(),
            esc(group.name.get(*l)),
            c.t_in(*l, Msg::WebPosterCall),
            esc(group.description.get(*l)),
            ages(c, *l, group),
            languages(c, *l, group),
        ));
        main.push_str(&format!(
            "<p>{}</p>\n</div>\n",
            c.t_in(*l, Msg::WebPosterHow)
        ));
        if i == 0 {
            let label = c.i18n.text(
                first,
                Msg::WebQrLabel,
                &[("group", Arg::Text(group.name.get(first).to_owned()))],
                Markup::Plain,
            );
            main.push_str(&format!(
                "<figure class=\"poster-qr\">\n{}\n<figcaption lang=\"{}\">{} <span class=\"link\">{}</span></figcaption>\n</figure>\n",
                qr(&link, &label),
                first.code(),
                c.t_in(first, Msg::WebPosterLink),
                esc(&link)
            ));
        }
    }
    let person = contact_of(c.config, group);
    main.push_str(&format!("<div lang=\"{}\">\n", first.code()));
    main.push_str(&contact_html(
        &Ctx {
            config: c.config,
            i18n: c.i18n,
            lang: first,
            snap: c.snap,
        },
        person,
        &format!("<h2>{}</h2>", c.t_in(first, Msg::WebPosterMore)),
    ));
    main.push_str(&format!(
        "<p class=\"org\">{}</p>\n</div>\n</article>\n",
        esc(c.config.organisation.get(first))
    ));
    let title = format!(
        "{} – {}",
        c.t_in(c.lang, Msg::WebProPoster),
        esc(group.name.get(c.lang))
    );
    // The document's language is the poster's first; the screen-only line says its own.
    let doc = Ctx {
        config: c.config,
        i18n: c.i18n,
        lang: first,
        snap: c.snap,
    };
    shell(&doc, Frame::Poster, &title, "/professionals", &main)
}

/// `/{lang}/accessibility`: the accessibility statement law 306/2019 asks for.
#[must_use]
pub fn accessibility(c: &Ctx<'_>) -> String {
    let site = if c.site().is_empty() {
        "kokoon".to_owned()
    } else {
        c.site()
    };
    let mut main = format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        c.t(Msg::WebA11y),
        c.ta(
            Msg::WebA11yScope,
            &[
                ("site", Arg::Text(site)),
                (
                    "organisation",
                    Arg::Text(c.config.organisation.get(c.lang).to_owned())
                ),
            ]
        )
    );
    for (title, body) in [
        (Msg::WebA11yStatusTitle, Msg::WebA11yStatus),
        (Msg::WebA11yGapsTitle, Msg::WebA11yGaps),
    ] {
        main.push_str(&format!("<h2>{}</h2>\n<p>{}</p>\n", c.t(title), c.t(body)));
    }
    main.push_str(&format!(
        "<h2>{}</h2>\n<p>{}</p>\n",
        c.t(Msg::WebA11yFeedbackTitle),
        c.t(Msg::WebA11yFeedback)
    ));
    main.push_str(&contact_html(c, &c.config.contact, ""));
    main.push_str(&format!(
        "<h2>{}</h2>\n<p>{}</p>\n",
        c.t(Msg::WebA11yAuthorityTitle),
        c.t(Msg::WebA11yAuthority)
    ));
    if let Some(date) = c.config.web.statement_date {
        let date = match c.lang {
            Lang::Fi | Lang::Sv => date.format("%-d.%-m.%Y").to_string(),
            Lang::En => date.format("%-d %B %Y").to_string(),
        };
        main.push_str(&format!(
            "<p>{}</p>\n",
            c.ta(Msg::WebA11yDate, &[("date", Arg::Text(date))])
        ));
    }
    shell(c, Frame::Site, &c.t(Msg::WebA11y), "/accessibility", &main)
}

/// A short page for a wrong address or request, in the page's language.
#[must_use]
pub fn problem(c: &Ctx<'_>, msg: Msg) -> String {
    let main = format!(
        "<h1>{}</h1>\n<p><a href=\"/{}\">{}</a></p>\n",
        c.t(msg),
        c.lang.code(),
        c.t(Msg::WebBack)
    );
    shell(c, Frame::Site, &c.t(msg), "", &main)
}

/// `/feed.ics`: the upcoming public events as one calendar.
#[must_use]
pub fn feed(c: &Ctx<'_>) -> String {
    let events: Vec<crate::ics::IcsEvent> = c
        .snap
        .events
        .iter()
        .map(|e| crate::ics::IcsEvent {
            uid: format!("event-{}", e.id),
            title: e.title.get(c.lang).to_owned(),
            description: e.description.as_ref().map(|d| d.get(c.lang).to_owned()),
            location: e.place.clone(),
            start: e.start,
            end: e.end,
            stamp: c.snap.at,
            sequence: e.version,
            cancelled: e.cancelled,
        })
        .collect();
    crate::ics::render_calendar(&events)
}
