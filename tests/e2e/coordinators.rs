//! Coordinators, as transcripts: threshold alerts, demand at a glance, the waiting list, CSV
//! export, QR codes and launching a group — and that nobody else gets any of it.

use crate::chat::{app, app_with_clock, deliveries, Chat, Delivered};
use kokoon::app::App;
use kokoon::domain::{AreaId, GroupId, Lang, Pool, UserId};

const COORD_TILLI: u64 = 100_000_001;
const COORD_ALL: u64 = 100_000_002;

fn tilli_hyvinkaa_fi() -> Pool {
    Pool {
        group: GroupId::parse("tilli-toukka").expect("id"),
        area: AreaId::parse("hyvinkaa").expect("id"),
        lang: Some(Lang::Fi),
    }
}

/// A Finnish-speaking parent registers one child for Tilli Toukka in Hyvinkää, in Finnish.
async fn join_tilli(app: &App, user: u64, share: bool) -> Chat {
    crate::chat::join_tilli(app, user, "Hyvinkää", share).await
}

fn to(list: &[Delivered], user: u64) -> Vec<&Delivered> {
    list.iter().filter(|d| d.to == user).collect()
}

#[tokio::test]
async fn the_threshold_alerts_every_coordinator_once_and_again_after_a_fall_and_rise() {
    let (app, clock, _dir) = app_with_clock();
    for user in 1..=4 {
        join_tilli(&app, user, true).await;
    }
    assert!(deliveries(&app).await.is_empty(), "4 of 5: no alert yet");
    let mut fifth = join_tilli(&app, 5, false).await;
    let sent = deliveries(&app).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    for c in [COORD_TILLI, COORD_ALL] {
        let alert = to(&sent, c);
        assert_eq!(alert.len(), 1);
        assert!(
            alert[0]
                .text
                .contains("Tilli Toukka, Hyvinkää (suomi): kynnys täyttyi!"),
            "{}",
            alert[0].text
        );
        assert!(
            alert[0].text.contains("5/5 lasta · 5 perhettä · iät 5 v"),
            "{}",
            alert[0].text
        );
        assert!(
            alert[0].text.contains("Arki-iltaisin 5"),
            "{}",
            alert[0].text
        );
    }
    join_tilli(&app, 6, true).await;
    assert!(
        deliveries(&app).await.is_empty(),
        "still over: no second alert"
    );

    // Two withdraw (4 left, below the threshold), then one more joins: a new crossing, but
    // within a day of the last alert (the cool-down), so no second alert.
    fifth.says("/mine").await;
    fifth.taps("Peru ilmoittautuminen").await;
    fifth.taps("Kyllä, peru").await;
    let mut sixth = Chat::new(&app, 6, "fi");
    sixth.says("/mine").await;
    sixth.taps("Peru ilmoittautuminen").await;
    sixth.taps("Kyllä, peru").await;
    assert!(deliveries(&app).await.is_empty());
    let mut seventh = join_tilli(&app, 7, true).await;
    assert!(
        deliveries(&app).await.is_empty(),
        "within the cool-down: no alert"
    );
    assert_eq!(app.store.crossings(&tilli_hyvinkaa_fi()).expect("store"), 2);

    // After the cool-down, a fall and a rise alert again, once.
    clock.advance(chrono::Duration::hours(24));
    seventh.says("/mine").await;
    seventh.taps("Peru ilmoittautuminen").await;
    seventh.taps("Kyllä, peru").await;
    join_tilli(&app, 8, true).await;
    let sent = deliveries(&app).await;
    assert_eq!(
        (to(&sent, COORD_TILLI).len(), to(&sent, COORD_ALL).len()),
        (1, 1),
        "{sent:#?}"
    );
    assert!(deliveries(&app).await.is_empty(), "exactly once");
    assert_eq!(app.store.crossings(&tilli_hyvinkaa_fi()).expect("store"), 3);
}

#[tokio::test]
async fn a_swedish_family_counts_towards_the_swedish_group_only() {
    let (app, _dir) = app();
    for user in 1..=4 {
        join_tilli(&app, user, true).await;
    }
    let mut p = Chat::new(&app, 50, "sv");
    p.says("/start tilli-toukka").await;
    p.taps("Jag godkänner").await;
    p.taps("4").await;
    p.taps("Inga fler, fortsätt").await;
    p.taps("Hyvinge").await;
    p.taps("svenska").await;
    p.taps("Vardagskvällar").await;
    p.taps("Klar").await;
    p.taps("Nej tack").await;
    p.taps("Hoppa över").await;
    p.taps("Bekräfta")
        .await
        .shows("I Hyvinge har 1 barn anmälts. Gruppen kan starta när de är 5.");
    assert!(
        deliveries(&app).await.is_empty(),
        "fi 4/5 and sv 1/5: no alert"
    );
}

#[tokio::test]
async fn demand_at_a_glance_with_a_chart_a_list_an_export_and_a_qr_code_in_swedish() {
    let (app, _dir) = app();
    for user in 1..=3 {
        join_tilli(&app, user, user != 2).await;
    }
    let mut c = Chat::new(&app, COORD_ALL, "sv");
    let said = c.says("/demand").await;
    said.shows("Tilli Toukka · gruppen kan starta när det finns 5 barn")
        // The figures named once, then under the language each area: the chart shows the bars.
        .shows("Kommun barn/5 · familjer · åldrar (år)\nfinska:\nHyvinge 3/5 · 3 · 5")
        .shows("Källa: direktlänk 3")
        .shows("Inför skilsmässan – kvällsträff · gruppen kan starta när det finns 6 deltagare")
        .shows("Inga väntande familjer ännu.")
        .offers("📋 Lista: Hyvinge (finska)");
    let chart = said.file.as_ref().expect("a chart is sent");
    assert_eq!(chart.kind, kokoon::files::FileKind::Photo);
    let (w, h) = png_size(&chart.bytes);
    assert_eq!(w, kokoon::chart::WIDTH);
    assert!(h >= 200, "height {h}");

    c.taps("📋 Lista: Hyvinge (finska)")
        .await
        .shows("väntande familjer i anmälningsordning")
        .shows("1. 1 barn (5 år) · finska · Vardagskvällar · 23.11 · Parent 1 (@parent1)")
        .shows("2. 1 barn (5 år) · finska · Vardagskvällar · 23.11 · familj (namnet delas inte)")
        .hides("Parent 2");

    let said = c.says("/export").await;
    said.shows("Anmälda som CSV-fil");
    let csv = said.file.as_ref().expect("a CSV file");
    assert_eq!(csv.kind, kokoon::files::FileKind::Document);
    assert!(
        csv.bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&csv.bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header[..6],
        [
            "Grupp",
            "Område",
            "Språk",
            "Familjer",
            "Deltagare",
            "Tröskel"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "Tilli Toukka");
    assert_eq!(&rows[0][1], "Hyvinge");
    assert_eq!(&rows[0][2], "fi");
    assert_eq!((&rows[0][3], &rows[0][4], &rows[0][5]), ("3", "3", "5"));
    assert_eq!(
        (&rows[0][8], &rows[0][9]),
        ("", "3"),
        "no poster source, 3 came directly"
    );

    c.says("/qr")
        .await
        .shows("Vilken grupps QR-kod vill du ha?");
    let said = c.taps("Tilli Toukka").await;
    said.shows("https://t.me/kokoon_hyvinkaa_bot?start=tilli-toukka");
    let qr = said.file.as_ref().expect("a QR code");
    let (w, h) = png_size(&qr.bytes);
    assert!(w == h && w >= 210, "{w}x{h}");
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    (info.width, info.height)
}

#[tokio::test]
async fn launching_invites_in_order_passes_declined_and_expired_seats_on_and_ends_with_a_list() {
    let (app, clock, _dir) = app_with_clock();
    let mut parents = Vec::new();
    for user in 1001..=1010 {
        parents.push(join_tilli(&app, user, user != 1003).await);
    }
    deliveries(&app).await; // the threshold alerts

    let mut c = Chat::new(&app, COORD_TILLI, "en");
    c.says("/launch")
        .await
        .shows("Which group are you launching?");
    c.taps("Tilli Toukka · Hyvinkää (Finnish) · 10/5")
        .await
        .shows("when is the first meeting?");
    c.says("yesterday")
        .await
        .shows("I couldn't read that time.");
    c.says("23.11. klo 9").await.shows("That time has passed.");
    c.says("15.3. klo 17")
        .await
        .shows("When does the meeting end?");
    c.says("17").await.shows("I couldn't read that.");
    c.says("1.5 h").await.shows("Where is the meeting?");
    c.says("Pikku-Veturi, Hyvinkää")
        .await
        .shows("Launch Tilli Toukka, Hyvinkää (Finnish)?")
        .shows("First meeting: 15 Mar 2027, 5 pm – 6:30 pm, Pikku-Veturi, Hyvinkää")
        .shows("Invitations go to 8 families (8 children) in registration order. There are 8 places at most.")
        .shows("48 hours");
    c.taps("Send the invitations")
        .await
        .shows("The invitations are on their way.");

    let sent = deliveries(&app).await;
    let invited: Vec<u64> = sent.iter().map(|d| d.to).collect();
    assert_eq!(
        invited,
        (1001..=1008).collect::<Vec<_>>(),
        "first registered, first invited"
    );
    for d in &sent {
        assert!(
            d.text.starts_with("Viesti ilmoittautumisestasi\n"),
            "neutral first line: {}",
            d.text
        );
        assert!(d.text.contains("Tilli Toukka voi alkaa! Ensimmäinen tapaaminen on 15.3.2027 klo 17, Pikku-Veturi, Hyvinkää."), "{}", d.text);
    }
    // The launched families no longer count as waiting.
    let waiting = app.store.demand_in(&tilli_hyvinkaa_fi()).expect("store");
    assert_eq!(waiting.families, 2);

    parents[0].reads(&sent[0]);
    parents[0]
        .taps("Kyllä, tulemme")
        .await
        .shows("Ihanaa! Nähdään 15.3.2027 klo 17, Pikku-Veturi, Hyvinkää.");
    parents[1].reads(&sent[1]);
    parents[1]
        .taps("Ei tällä kertaa")
        .await
        .shows("Olet yhä jonossa");
    parents[1]
        .taps("Kyllä, tulemme")
        .await
        .shows("Tähän kutsuun ei voi enää vastata.");

    let sent = deliveries(&app).await;
    let answers = to(&sent, COORD_TILLI);
    assert_eq!(answers.len(), 2, "{sent:#?}");
    assert!(
        answers[0]
            .text
            .contains("Parent 1001 (@parent1001) is coming (1 child). Places taken 1/8."),
        "{}",
        answers[0].text
    );
    assert!(
        answers[1]
            .text
            .contains("Parent 1002 (@parent1002) can't come this time"),
        "{}",
        answers[1].text
    );
    let next = to(&sent, 1009);
    assert_eq!(
        next.len(),
        1,
        "the declined seat passes to the ninth family"
    );

    // Two days pass: every unanswered invitation expires; its seat passes to the tenth family.
    clock.advance(chrono::Duration::hours(49));
    let sent = deliveries(&app).await;
    let expired: Vec<u64> = sent
        .iter()
        .filter(|d| d.text.contains("vanheni"))
        .map(|d| d.to)
        .collect();
    assert_eq!(expired, vec![1003, 1004, 1005, 1006, 1007, 1008, 1009]);
    let invitation = to(&sent, 1010);
    assert_eq!(invitation.len(), 1);
    parents[9].reads(invitation[0]);
    parents[9].taps("Kyllä, tulemme").await;

    let sent = deliveries(&app).await;
    let final_list = to(&sent, COORD_TILLI)
        .into_iter()
        .find(|d| d.text.contains("final list"))
        .expect("the final list");
    assert!(
        final_list.text.contains("Places filled 2/8."),
        "{}",
        final_list.text
    );
    assert!(
        final_list
            .text
            .contains("1. Parent 1001 (@parent1001) – 1 child"),
        "{}",
        final_list.text
    );
    assert!(
        final_list
            .text
            .contains("2. Parent 1010 (@parent1010) – 1 child"),
        "{}",
        final_list.text
    );
    // The family that declined stays waiting and counts towards the next round; the seven
    // whose invitations expired are paused until they say they are still interested.
    let waiting = app.store.demand_in(&tilli_hyvinkaa_fi()).expect("store");
    assert_eq!(waiting.families, 1);
    // The contact list as CSV, names only with consent.
    c.reads(final_list);
    let said = c.taps("The list as a CSV file").await;
    let csv = said.file.as_ref().expect("CSV");
    let text = String::from_utf8(csv.bytes[3..].to_vec()).expect("utf-8");
    assert!(
        text.contains("Parent 1001;parent1001;1;coming\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\n;;1;did not answer in time\r\n"),
        "no name without consent: {text}"
    );
    assert!(!text.contains("Parent 1003"), "{text}");
}

#[tokio::test]
async fn nobody_else_gets_coordinator_data_or_a_hint_that_it_exists() {
    let (app, _dir) = app();
    for user in 1..=5 {
        join_tilli(&app, user, true).await;
    }
    let mut someone = Chat::new(&app, 4242, "en");
    let unknown = someone.says("/nonsense").await.text;
    let stale = someone.presses_raw("1:zz").await.text;
    for cmd in [
        "/demand",
        "/export",
        "/launch",
        "/qr",
        "/attendance",
        "/demand@kokoon_hyvinkaa_bot",
    ] {
        let said = someone.says(cmd).await;
        assert_eq!(said.text, unknown, "{cmd}");
        assert!(said.file.is_none());
    }
    for forged in [
        "1:pl:tilli-toukka:hyvinkaa:fi",
        "1:pn:tilli-toukka:hyvinkaa:fi",
        "1:lc",
        "1:qr:tilli-toukka",
        "1:xl:1",
        "1:iv:1:y",
    ] {
        let said = someone.presses_raw(forged).await;
        assert_eq!(said.text, stale, "{forged}");
        assert!(said.file.is_none());
        assert!(!said.text.contains("Parent"), "{forged}");
    }
    // A coordinator of other groups gets nothing of this one.
    let mut other = Chat::new(&app, COORD_TILLI, "en");
    let said = other.presses_raw("1:pl:eron-edessa:hyvinkaa:").await;
    said.shows("That button is from an old message.");
    assert!(deliveries(&app)
        .await
        .iter()
        .all(|d| d.to == COORD_TILLI || d.to == COORD_ALL));
}

#[tokio::test]
async fn a_coordinator_who_cannot_be_reached_does_not_stop_the_others() {
    use kokoon::sender::{Deliver, DeliveryError};
    struct Blocked(std::sync::Mutex<Vec<u64>>);
    impl Deliver for Blocked {
        async fn deliver(
            &self,
            to: UserId,
            _: Lang,
            _: &kokoon::flow::Reply,
        ) -> Result<(), DeliveryError> {
            if to.0 == COORD_ALL {
                return Err(DeliveryError::Unreachable(
                    "Bad Request: chat not found".into(),
                ));
            }
            self.0.lock().expect("lock").push(to.0);
            Ok(())
        }
    }
    let (app, clock, _dir) = app_with_clock();
    for user in 1..=5 {
        join_tilli(&app, user, true).await;
    }
    let blocked = Blocked(std::sync::Mutex::new(Vec::new()));
    kokoon::sender::tick(&app, &blocked).await.expect("store");
    // Coordinator 1 got the alert and the note that coordinator 2 was missed.
    assert_eq!(
        *blocked.0.lock().expect("lock"),
        vec![COORD_TILLI, COORD_TILLI]
    );
    assert_eq!(
        app.store.outbox_len(),
        1,
        "the missed alert waits for a retry"
    );
    // Later, coordinator 2 has started the bot: the retry reaches them, once.
    clock.advance(chrono::Duration::minutes(2));
    let sent = deliveries(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, COORD_ALL);
    assert!(sent[0].text.contains("kynnys täyttyi"));
    assert_eq!(app.store.outbox_len(), 0);
}

#[tokio::test]
async fn alerts_and_invitations_wait_for_the_end_of_quiet_hours() {
    let (app, clock, _dir) = app_with_clock();
    // 23:30 in Helsinki.
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T21:30:00Z")
            .expect("time")
            .into(),
    );
    for user in 1..=5 {
        join_tilli(&app, user, true).await;
    }
    assert!(
        deliveries(&app).await.is_empty(),
        "nobody is woken at night"
    );
    // 07:59 is still quiet; at 08:00 the alerts go.
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-24T05:59:00Z")
            .expect("time")
            .into(),
    );
    assert!(deliveries(&app).await.is_empty());
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-24T06:15:00Z")
            .expect("time")
            .into(),
    );
    let sent = deliveries(&app).await;
    assert_eq!(
        (to(&sent, COORD_TILLI).len(), to(&sent, COORD_ALL).len()),
        (1, 1),
        "{sent:#?}"
    );
}

/// Fills every pool of the example config: in each group, each area and (where demand is
/// counted per language) each language gets `per_pool` waiting families, with names and
/// sources, so every view shows all it can. Returns the registrations made.
pub(crate) async fn fill_every_pool(app: &App, per_pool: usize) -> usize {
    use kokoon::domain::{Contact, Registration, Source, Status};
    use kokoon::flow::Effect;
    use kokoon::store::UserRecord;
    let now = app.clock.now();
    let mut user = 9_000_000_u64;
    let mut made = 0;
    for group in &app.config.groups {
        let langs: Vec<Lang> = if group.demand_by_language {
            group.languages.clone()
        } else {
            vec![group.languages[0]]
        };
        for area in &group.areas {
            for lang in &langs {
                // A pool's families in one commit (many pools of many families stay quick).
                let mut effects = Vec::new();
                for i in 0..per_pool {
                    user += 1;
                    let children = group
                        .children
                        .as_ref()
                        .map(|c| {
                            let day = kokoon::domain::child::today(app.clock.now());
                            vec![kokoon::domain::Child::of_age(c.min, day); 1 + i % 2]
                        })
                        .unwrap_or_default();
                    let r = Registration {
                        user: UserId(user),
                        group: group.id.clone(),
                        children,
                        area: area.clone(),
                        lang: *lang,
                        times: group.times.clone(),
                        contact: Some(Contact {
                            name: format!("Vanhempi {user}"),
                            username: Some(format!("parent{user}")),
                        }),
                        source: (i % 2 == 0).then(|| Source::parse("pikkuveturi").expect("src")),
                        created_at: now,
                        updated_at: now,
                        status: Status::Waiting,
                        expiry_notice: None,
                        consents: Default::default(),
                        renewed_at: None,
                        renewal_asked: None,
                        note: None,
                        added: None,
                    };
                    effects.push(Effect::SaveRegistration(r));
                    made += 1;
                }
                app.store
                    .commit(UserId(user), None, &UserRecord::default(), &effects, now)
                    .await
                    .expect("commit");
            }
        }
    }
    made
}

/// How many Telegram messages `command` from `user` comes to, laid out as the Telegram adapter
/// sends replies ([`kokoon::telegram::layout`]): a text split only past 4,096 characters, a file
/// with the text (or its last part) as its caption where that fits in 1,024.
pub(crate) async fn messages_for(app: &App, user: u64, lang: &str, command: &str) -> usize {
    use kokoon::flow::{Input, Person};
    use kokoon::i18n::Markup;
    let person = Person {
        user: UserId(user),
        name: "Koordinaattori".into(),
        username: None,
    };
    let handled = app
        .handle(None, &person, Some(lang), Input::from_text(command))
        .await
        .expect("handled");
    handled
        .replies
        .iter()
        .map(|reply| {
            let text = app.i18n.render(handled.lang, reply, Markup::Html).text;
            let file = reply.attachment.is_some();
            kokoon::telegram::layout(&text, file).messages(file)
        })
        .sum()
}

/// A coordinator's views take as few messages as their content needs: with every area and
/// language of the example config's four groups filled, `/demand` is one text (within 4,096
/// characters or split only past them) and one image of every chart — at most three messages.
/// (Under Telegram's one message a second in a chat, each message more is a second more.)
#[tokio::test]
async fn a_coordinators_views_with_every_pool_filled_take_at_most_three_messages() {
    let (app, _dir) = app();
    let made = fill_every_pool(&app, 2).await;
    let pools: usize = app
        .config
        .groups
        .iter()
        .map(|g| {
            g.areas.len()
                * if g.demand_by_language {
                    g.languages.len()
                } else {
                    1
                }
        })
        .sum();
    assert_eq!(made, pools * 2);
    assert_eq!(app.config.groups.len(), 4);
    for lang in ["fi", "sv", "en"] {
        let n = messages_for(&app, COORD_ALL, lang, "/demand").await;
        assert!(n <= 3, "/demand in {lang}: {n} messages for {pools} pools");
        let mut c = Chat::new(&app, COORD_ALL, lang);
        let said = c.says("/demand").await;
        let chart = said.file.as_ref().expect("one image of every chart");
        let (w, h) = png_size(&chart.bytes);
        assert_eq!(w, kokoon::chart::WIDTH);
        assert!(w + h <= 10_000, "Telegram takes the photo: {w}x{h}");
        assert!(said.buttons.len() <= 100, "{} buttons", said.buttons.len());
    }
}

/// The store's view with every pool's figures multiplied: the counts of a store of a hundred
/// thousand registrations, without writing them (the benchmark writes them; a test cannot
/// wait that long).
struct Scaled<'a>(&'a kokoon::store::Store, usize);

impl kokoon::flow::View for Scaled<'_> {
    fn demand(&self, pool: &Pool) -> kokoon::domain::Demand {
        kokoon::flow::View::demand(self.0, pool)
    }
    fn waiting(&self, group: &GroupId) -> Vec<kokoon::domain::Registration> {
        kokoon::flow::View::waiting(self.0, group)
    }
    fn pools(&self, group: &GroupId) -> Vec<(Pool, kokoon::domain::PoolStats)> {
        let n = self.1;
        kokoon::flow::View::pools(self.0, group)
            .into_iter()
            .map(|(p, mut s)| {
                s.families *= n;
                s.participants *= n;
                s.children.values_mut().for_each(|v| *v *= n);
                s.added *= n;
                s.times.values_mut().for_each(|v| *v *= n);
                s.langs.values_mut().for_each(|v| *v *= n);
                s.sources.values_mut().for_each(|v| *v *= n);
                (p, s)
            })
            .collect()
    }
    fn launch(&self, id: u64) -> Option<kokoon::domain::Launch> {
        kokoon::flow::View::launch(self.0, id)
    }
    fn launches(&self) -> Vec<kokoon::domain::Launch> {
        kokoon::flow::View::launches(self.0)
    }
    fn registration(&self, user: UserId, group: &GroupId) -> Option<kokoon::domain::Registration> {
        kokoon::flow::View::registration(self.0, user, group)
    }
    fn events(&self) -> Vec<kokoon::domain::Event> {
        kokoon::flow::View::events(self.0)
    }
    fn event(&self, id: u64) -> Option<kokoon::domain::Event> {
        kokoon::flow::View::event(self.0, id)
    }
    fn feedback(&self, event: u64) -> Vec<kokoon::domain::Feedback> {
        kokoon::flow::View::feedback(self.0, event)
    }
    fn feedback_of(&self, event: u64, user: UserId) -> Option<kokoon::domain::Feedback> {
        kokoon::flow::View::feedback_of(self.0, event, user)
    }
    fn broadcast(&self, id: u64) -> Option<kokoon::domain::Broadcast> {
        kokoon::flow::View::broadcast(self.0, id)
    }
}

/// At the benchmark's scale (every pool of the example config with a thousand or more families
/// and children, four-digit counts) a coordinator of all four groups gets `/demand` in two
/// messages in every language: the text, and the image of every chart with the text's last
/// part as its caption. Under Telegram's one message a second in a chat that is the whole view
/// in about a second; a third message would make it two.
#[tokio::test]
async fn demand_at_scale_with_every_pool_filled_takes_two_messages() {
    use kokoon::flow::{Ctx, Input, Person, State};
    use kokoon::i18n::Markup;
    let (app, _dir) = app();
    fill_every_pool(&app, 2).await;
    // 2 families of 1 and 2 children a pool: 1,400 families and 2,100 children.
    let view = Scaled(&app.store, 700);
    let person = Person {
        user: UserId(COORD_ALL),
        name: "Koordinaattori".into(),
        username: None,
    };
    for lang in [Lang::Fi, Lang::Sv, Lang::En] {
        let ctx = Ctx {
            config: &app.config,
            person: &person,
            lang,
            registrations: &[],
            view: &view,
            now: app.clock.now(),
        };
        let out = kokoon::flow::step(State::default(), Input::from_text("/demand"), &ctx);
        let n: usize = out
            .replies
            .iter()
            .map(|reply| {
                let text = app.i18n.render(lang, reply, Markup::Html).text;
                let file = reply.attachment.is_some();
                kokoon::telegram::layout(&text, file).messages(file)
            })
            .sum();
        let text = app.i18n.render(lang, &out.replies[0], Markup::Html).text;
        assert!(text.contains("1400"), "the counts are at scale: {text}");
        assert!(n <= 2, "/demand in {lang:?} at scale: {n} messages");
    }
}

/// A coordinator of Tilli Toukka in Karkkila and Vihti only (`areas` in the config).
const COORD_AREAS: u64 = 100_000_009;

fn config_with_an_area_coordinator() -> kokoon::config::Config {
    let text = format!(
        "{}\n[[coordinators]]\nname = \"Karkkilan ja Vihdin perhetyö\"\ntelegram_id = {COORD_AREAS}\ngroups = [\"tilli-toukka\"]\nareas = [\"karkkila\", \"vihti\"]\n",
        include_str!("../../config/kokoon.toml")
    );
    kokoon::config::Config::parse("kokoon.toml", &text)
        .expect("a coordinator may be limited to areas")
}

/// [`join_tilli`] in another area (by its Finnish name).
async fn join_tilli_in(app: &App, user: u64, area: &str) -> Chat {
    crate::chat::join_tilli(app, user, area, true).await
}

#[tokio::test]
async fn a_coordinator_limited_to_areas_sees_their_municipalities_only_everywhere() {
    let (app, clock, _dir) = crate::chat::app_with_config(config_with_an_area_coordinator());
    for user in 1..=5 {
        join_tilli_in(&app, user, "Hyvinkää").await;
    }
    for user in 11..=15 {
        join_tilli_in(&app, user, "Karkkila").await;
    }
    // Alerts: the Hyvinkää crossing goes to the group's coordinators, not to Karkkila's.
    let sent = deliveries(&app).await;
    let mine = to(&sent, COORD_AREAS);
    assert_eq!(mine.len(), 1, "{sent:#?}");
    assert!(
        mine[0]
            .text
            .contains("Tilli Toukka, Karkkila (suomi): kynnys täyttyi!"),
        "{}",
        mine[0].text
    );
    assert_eq!(to(&sent, COORD_TILLI).len(), 2, "{sent:#?}");

    let mut c = Chat::new(&app, COORD_AREAS, "fi");
    let stale = c.presses_raw("1:zz").await.text;
    // Demand, the chart's areas and the buttons: Karkkila only.
    let said = c.says("/demand").await;
    said.shows("Karkkila")
        .hides("Hyvinkää")
        .hides("Eron edessä");
    assert!(
        said.buttons.iter().all(|b| !b.contains("Hyvinkää")),
        "{:?}",
        said.buttons
    );
    // The export: one row, Karkkila's.
    let said = c.says("/export").await;
    let csv = said.file.as_ref().expect("a CSV file");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&csv.bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(&rows[0][1], "Karkkila");
    // The waiting list of their area, and nothing of another's, even with a forged button.
    c.taps("📋 Lista: Karkkila (suomi)")
        .await
        .shows("Parent 11")
        .hides("Parent 1 ");
    for forged in [
        "1:pl:tilli-toukka:hyvinkaa:fi",
        "1:pn:tilli-toukka:hyvinkaa:fi",
        "1:pl:eron-edessa:karkkila:",
    ] {
        let said = c.presses_raw(forged).await;
        assert_eq!(said.text, stale, "{forged}");
        assert!(said.file.is_none(), "{forged}");
    }
    // Launches: only their areas are offered.
    let said = c.says("/launch").await;
    said.offers("Tilli Toukka · Karkkila (suomi) · 5/5");
    assert!(
        said.buttons.iter().all(|b| !b.contains("Hyvinkää")),
        "{:?}",
        said.buttons
    );

    // The group's coordinator launches Hyvinkää: its answers, list, meeting and families stay
    // out of the Karkkila coordinator's reach.
    let mut t = Chat::new(&app, COORD_TILLI, "en");
    t.says("/launch").await;
    t.taps("Tilli Toukka · Hyvinkää (Finnish) · 5/5").await;
    t.says("15.3. klo 17").await;
    t.says("1.5 h").await;
    t.says("Pikku-Veturi, Hyvinkää").await;
    t.taps("Send the invitations").await;
    deliveries(&app).await;
    for forged in ["1:xl:1", "1:bl:1:y", "1:bl:1:n"] {
        let said = c.presses_raw(forged).await;
        assert_eq!(said.text, stale, "{forged}");
        assert!(said.file.is_none(), "{forged}");
    }
    c.says("/events").await.hides("Pikku-Veturi");

    // A broadcast to the waiting families reaches their areas' families only.
    let said = c.says("/broadcast").await;
    said.offers("Jonossa: Tilli Toukka (5)");
    assert!(
        said.buttons.iter().all(|b| !b.contains("Hyvinkää")),
        "{:?}",
        said.buttons
    );
    c.taps("Jonossa: Tilli Toukka (5)")
        .await
        .shows("Se lähtee 5 vastaanottajalle.");
    c.says("Tervetuloa syksyllä!").await;
    c.taps("Lähetä")
        .await
        .shows("Viesti lähtee 5 vastaanottajalle.");
    let sent = deliveries(&app).await;
    let mut got: Vec<u64> = sent
        .iter()
        .filter(|d| d.text.contains("Tervetuloa syksyllä!"))
        .map(|d| d.to)
        .collect();
    got.sort_unstable();
    assert_eq!(got, (11..=15).collect::<Vec<_>>(), "{sent:#?}");

    // The launched group's meetings (eight, weekly): the Karkkila coordinator cannot mark who
    // came, move or cancel them, even with forged buttons, before or after a meeting began.
    let meetings: Vec<u64> = kokoon::flow::View::launches(&app.store)
        .iter()
        .flat_map(kokoon::domain::Launch::meeting_ids)
        .collect();
    assert_eq!(meetings.len(), 8);
    let series_buttons = |id: u64| {
        [
            format!("1:at:{id}"),
            format!("1:at:{id}:1:y"),
            format!("1:em:{id}:r"),
            format!("1:em:{id}:R"),
            format!("1:em:{id}:Y"),
        ]
    };
    for forged in series_buttons(meetings[1]) {
        let said = c.presses_raw(&forged).await;
        assert_eq!(said.text, stale, "{forged}");
    }
    // The first meeting has begun (15.3. 17.00 Helsinki time).
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-03-15T15:10:00Z")
            .expect("time")
            .into(),
    );
    for forged in series_buttons(meetings[0]) {
        let said = c.presses_raw(&forged).await;
        assert_eq!(said.text, stale, "{forged}");
    }
    c.says("/attendance")
        .await
        .shows("Ryhmillä ei ole vielä ollut tapaamisia.")
        .hides("Tilli Toukka");
}

/// Public events as coordinators make them, each with a description as long as the example
/// config's: the config's own events, then `extra` more, a week apart, half of them with the
/// coordinator signed up (so its card shows the leave button). Returns how many are upcoming.
async fn fill_events(app: &App, extra: usize) -> usize {
    use kokoon::domain::event::Visibility;
    use kokoon::domain::{Event, EventText};
    use kokoon::flow::Effect;
    use kokoon::store::UserRecord;
    kokoon::app::sync_config_events(app)
        .await
        .expect("config events");
    let now = app.clock.now();
    for i in 0..extra {
        let start = now + chrono::Duration::days(7 * (i as i64 + 1));
        let about = |lang: &str| {
            format!(
                "{lang}: Vertaistukea ja tietoa erosta, lapsille oma ohjelma ja lastenhoito koko illan ajan. Kahvitarjoilu; ilmoittaudu, niin osaamme varata tarpeeksi tilaa ja ohjaajia. Tervetuloa {i}!"
            )
        };
        let event = Event {
            id: 0,
            title: EventText::all(
                &format!("Vanhempien ilta {i}"),
                &format!("Föräldrakväll {i}"),
                &format!("Parents' evening {i}"),
            ),
            description: Some(EventText::all(&about("fi"), &about("sv"), &about("en"))),
            group: None,
            start,
            end: start + chrono::Duration::hours(2),
            place: "Pikku-Veturi, Hyvinkää".into(),
            capacity: Some(20),
            organiser: UserId(COORD_ALL),
            cancelled: false,
            version: 1,
            attendees: if i % 2 == 0 {
                vec![UserId(PARENT_ALL)]
            } else {
                Vec::new()
            },
            waiting: Vec::new(),
            key: None,
            visibility: Visibility::Public,
            token: None,
            revision: 0,
            facilitators: Vec::new(),
            co_parents: Vec::new(),
            series: None,
            came: Vec::new(),
        };
        app.store
            .commit(
                UserId(COORD_ALL),
                None,
                &UserRecord::default(),
                &[Effect::CreateEvent(event)],
                now,
            )
            .await
            .expect("event created");
    }
    app.store
        .events()
        .expect("events")
        .iter()
        .filter(|e| !e.cancelled && e.start > now)
        .count()
}

/// A parent with a registration in every group of the example config.
const PARENT_ALL: u64 = 9_100_000;

/// Registers [`PARENT_ALL`] in every group (in its first area and language), with a name.
async fn register_everywhere(app: &App) -> usize {
    use kokoon::domain::{Contact, Registration, Status};
    use kokoon::flow::Effect;
    use kokoon::store::UserRecord;
    let now = app.clock.now();
    let mut n = 0;
    for group in &app.config.groups {
        let r = Registration {
            user: UserId(PARENT_ALL),
            group: group.id.clone(),
            children: group
                .children
                .as_ref()
                .map(|c| {
                    let day = kokoon::domain::child::today(now);
                    vec![
                        kokoon::domain::Child::of_age(c.min, day),
                        kokoon::domain::Child::of_age(c.max, day),
                    ]
                })
                .unwrap_or_default(),
            area: group.areas[0].clone(),
            lang: group.languages[0],
            times: group.times.clone(),
            contact: Some(Contact {
                name: "Vanhempi Kaikkialla".into(),
                username: Some("kaikkialla".into()),
            }),
            source: None,
            created_at: now,
            updated_at: now,
            status: Status::Waiting,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        };
        app.store
            .commit(
                UserId(PARENT_ALL),
                None,
                &UserRecord::default(),
                &[Effect::SaveRegistration(r)],
                now,
            )
            .await
            .expect("commit");
        n += 1;
    }
    n
}

/// A parent's views take one message while they fit in one: with every pool of the example
/// config filled, a parent registered in all four groups gets `/mine` as one message (each
/// registration with its buttons), and `/events` with the config's events (the spring series
/// among them) and five more is
/// one message with every event's buttons — in every language.
#[tokio::test]
async fn a_parents_views_with_every_pool_filled_take_one_message() {
    let (app, _dir) = app();
    fill_every_pool(&app, 2).await;
    assert_eq!(register_everywhere(&app).await, app.config.groups.len());
    let events = fill_events(&app, 5).await;
    assert!(events >= 8, "{events} upcoming events");
    for lang in ["fi", "sv", "en"] {
        let n = messages_for(&app, PARENT_ALL, lang, "/mine").await;
        assert_eq!(n, 1, "/mine in {lang}: {n} messages for 4 registrations");
        let n = messages_for(&app, PARENT_ALL, lang, "/events").await;
        assert_eq!(n, 1, "/events in {lang}: {n} messages for {events} events");
        let mut c = Chat::new(&app, PARENT_ALL, lang);
        let said = c.says("/events").await;
        // Every event's buttons under the one message (a sign-up or a leave button each).
        assert!(said.buttons.len() >= events, "{:?}", said.buttons);
    }
}

/// Past one message, `/events` still takes as few as the text needs: with forty events the
/// text is split only where it passes 4,096 characters, or each event comes as its own card
/// (never more messages than events and a title).
#[tokio::test]
async fn events_past_one_message_take_no_more_than_one_per_event() {
    let (app, _dir) = app();
    let events = fill_events(&app, 40).await;
    for lang in ["fi", "sv", "en"] {
        let n = messages_for(&app, PARENT_ALL, lang, "/events").await;
        assert!(
            n > 1 && n <= events + 1,
            "/events in {lang}: {n} messages for {events} events"
        );
    }
}

/// `/demand` arrives at once under Telegram's one message a second in a chat: a coordinator
/// whose groups have little demand yet gets it as one message (the chart, the text as its
/// caption, the buttons under it). (With every pool filled it is at most three messages:
/// [`a_coordinators_views_with_every_pool_filled_take_at_most_three_messages`].)
#[tokio::test]
async fn demand_of_little_demand_takes_one_message() {
    let (app, _dir) = app();
    join_tilli(&app, 7001, false).await;
    for lang in ["fi", "sv", "en"] {
        let n = messages_for(&app, COORD_TILLI, lang, "/demand").await;
        assert_eq!(n, 1, "/demand of one pool in {lang}: {n} messages");
    }
}
