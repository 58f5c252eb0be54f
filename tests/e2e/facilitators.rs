//! Facilitators (ohjaajat), as transcripts in Finnish and Swedish: a coordinator's one-time
//! invitation link, the facilitator joining with a name and consent, the participant list of
//! their launched group, a request for support, and being removed — and that nobody else
//! (nor a facilitator of another group) gets anything of it, with commands or forged buttons.

use crate::chat::{app_with_config, deliveries, Chat, Delivered};
use kokoon::app::App;
use kokoon::config::Config;

const COORD_TILLI: u64 = 100_000_001;
const COORD_ALL: u64 = 100_000_002;
const COORD_AREAS: u64 = 100_000_003;
const FACILITATOR: u64 = 5001;

/// The example config with the privacy notice at `version` (2 names the facilitators in the
/// name-sharing consent).
fn config_with_notice(version: u32) -> Config {
    let text = include_str!("../../config/kokoon.toml")
        .replace("notice_version = 2", &format!("notice_version = {version}"));
    Config::parse("config/kokoon.toml", &text).expect("the config is valid")
}

/// 14.3.2027 at 17 in Helsinki: the day before the first meeting, when its first reminder goes.
fn reminder_time() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2027-03-14T15:00:00Z")
        .expect("time")
        .into()
}

fn to(list: &[Delivered], user: u64) -> Vec<&Delivered> {
    list.iter().filter(|d| d.to == user).collect()
}

/// The `/start` payload of the invitation link in a coordinator's reply.
fn payload_in(text: &str) -> String {
    let at = text.find("?start=").expect("a deep link") + "?start=".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// The coordinator launches Tilli Toukka in Hyvinkää (Finnish families) for 15.3.2027 at 17,
/// answering in their language, tapping `extra` buttons in the summary first; returns the
/// summary as shown last.
async fn launch(c: &mut Chat, extra: &[&str], confirm: &str) -> String {
    let said = c.says("/launch").await;
    let pool = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvin"))
        .expect("the pool is offered")
        .clone();
    c.taps(&pool).await;
    c.says("15.3. klo 17").await;
    c.says("18.30").await;
    let mut summary = c.says("Pikku-Veturi, Hyvinkää").await.text;
    for label in extra {
        summary = c.taps(label).await.text;
    }
    c.taps(confirm).await;
    summary
}

/// The invited families accept.
async fn accept(app: &App, parents: &mut [Chat]) {
    let sent = deliveries(app).await;
    accept_in(app, &sent, parents).await;
}

/// The families invited in `sent` accept; what was sent then.
async fn accept_in(app: &App, sent: &[Delivered], parents: &mut [Chat]) -> Vec<Delivered> {
    for p in parents.iter_mut() {
        let d = sent
            .iter()
            .find(|d| d.to == p.user())
            .expect("each family is invited");
        p.reads(d);
        p.taps("Kyllä, tulemme").await.shows("Ihanaa!");
    }
    deliveries(app).await
}

/// The coordinator launches without asking facilitators, and the families accept.
async fn launch_and_accept(app: &App, c: &mut Chat, confirm: &str, parents: &mut [Chat]) {
    launch(c, &[], confirm).await;
    accept(app, parents).await;
}

#[tokio::test]
async fn a_facilitators_whole_part_in_finnish() {
    let (app, clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = vec![
        crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await,
        crate::chat::join_tilli(&app, 1002, "Hyvinkää", false).await,
    ];
    deliveries(&app).await;

    // The coordinator makes a one-time link for Tilli Toukka.
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/facilitators")
        .await
        .shows("Ryhmänohjaajat")
        .shows("Ryhmilläsi ei ole vielä ohjaajia.");
    c.taps("Kutsu ohjaaja")
        .await
        .shows("Minkä ryhmien ohjaajaksi kutsut?")
        .offers("Tilli Toukka")
        .offers("Eroperheiden koululaisten ryhmä");
    c.taps("Tilli Toukka").await.offers("✓ Tilli Toukka");
    let said = c.taps("Tee kutsulinkki").await;
    said.shows("Tässä kertakäyttöinen kutsulinkki (Tilli Toukka).")
        .shows("se toimii kerran ja 7 päivän ajan")
        .shows("https://t.me/");
    let payload = payload_in(&said.text);
    assert!(
        payload.starts_with("f_") && payload.len() <= 64,
        "{payload}"
    );

    // The facilitator opens it, gives a name and consents.
    let mut f = Chat::new(&app, FACILITATOR, "fi");
    f.says(&format!("/start {payload}"))
        .await
        .shows("Sinut on kutsuttu ryhmänohjaajaksi: Tilli Toukka.")
        .shows("Kirjoita nimesi.");
    f.says("Olli Ohjaaja")
        .await
        .shows("Kiitos, Olli Ohjaaja!")
        .shows("/forget");
    f.taps("Hyväksyn tallennuksen")
        .await
        .shows("Olet nyt ohjaaja: Tilli Toukka.");
    f.says("/help")
        .await
        .shows("Ryhmänohjaajalle")
        .shows("/write – viesti ryhmän perheille")
        .hides("Koordinaattorille");
    // The link worked once.
    let mut other = Chat::new(&app, 5002, "fi");
    other
        .says(&format!("/start {payload}"))
        .await
        .shows("Tämä kutsulinkki ei toimi");
    let sent = deliveries(&app).await;
    let news = to(&sent, COORD_TILLI);
    assert_eq!(news.len(), 1, "{sent:#?}");
    assert_eq!(
        news[0].text,
        "kokoon: uutta koordinaattorille\n\nOlli Ohjaaja on nyt ohjaaja: Tilli Toukka."
    );

    // Before the launch there is nothing to list.
    f.says("/group")
        .await
        .shows("Tilli Toukka: ryhmä ei ole vielä alkanut.");

    // The launch asks the facilitator first; the families' invitations wait for a yes.
    let summary = launch(&mut c, &["Kysy: Olli Ohjaaja"], "Lähetä kutsut").await;
    assert!(
        summary.contains("Kysytään: Olli Ohjaaja. Kutsut perheille lähtevät vasta, kun ensimmäinen ohjaaja on vastannut kyllä."),
        "{summary}"
    );
    let sent = deliveries(&app).await;
    assert_eq!(
        sent.iter().map(|d| d.to).collect::<Vec<_>>(),
        vec![FACILITATOR],
        "only the proposal goes: {sent:#?}"
    );
    assert_eq!(
        sent[0].text,
        "kokoon: uutta ohjaajalle\n\nVoisitko ohjata ryhmän Tilli Toukka, Hyvinkää (suomi)? Ensimmäinen tapaaminen olisi 15.3.2027 klo 17, Pikku-Veturi, Hyvinkää."
    );
    // Nothing of the launch before a yes.
    f.says("/group").await.shows("ryhmä ei ole vielä alkanut");
    f.reads(&sent[0]);
    f.taps("Kyllä, voin ohjata")
        .await
        .shows("Kiitos! Koordinaattori saa tiedon.");
    f.taps("Kyllä, voin ohjata")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    // The coordinator hears of it, and the first yes lets the invitations go.
    let sent = deliveries(&app).await;
    let news = to(&sent, COORD_TILLI);
    assert_eq!(news.len(), 1, "{sent:#?}");
    assert_eq!(
        news[0].text,
        "kokoon: uutta koordinaattorille\n\nOlli Ohjaaja voi ohjata ryhmää Tilli Toukka, Hyvinkää (suomi) (15.3.2027 klo 17)."
    );
    let sent = accept_in(&app, &sent, &mut parents).await;
    // Everyone answered: the final list names the facilitator who said yes.
    let last = to(&sent, COORD_TILLI);
    assert!(
        last.iter().any(|d| d.text.contains("lopullinen lista")
            && d.text.ends_with("\n\nOhjaajat: Olli Ohjaaja")),
        "{sent:#?}"
    );

    // The list: the name only with the consent that names facilitators; the children's ages.
    let list = f.says("/group").await;
    list.shows("Tilli Toukka, Hyvinkää")
        .shows("Ensimmäinen tapaaminen 15.3.2027 klo 17, Pikku-Veturi, Hyvinkää. Tulossa 2 lasta.")
        .shows("1. Parent 1001 (@parent1001) – 1 lapsi, 5 v")
        .shows("2. perhe (nimeä ei jaettu) – 1 lapsi, 5 v")
        .hides("Parent 1002");

    // A message to the group's families, through the outbox (the facilitator gets the report).
    f.says("/write")
        .await
        .shows("Kirjoita viesti ryhmän Tilli Toukka, Hyvinkää (suomi) perheille (2).");
    f.says("Muistakaa sisäkengät!")
        .await
        .shows("Lähetetäänkö tämä 2 vastaanottajalle?")
        .shows("Muistakaa sisäkengät!");
    f.taps("Lähetä")
        .await
        .shows("Viesti lähtee 2 vastaanottajalle.");
    let sent = deliveries(&app).await;
    let mut got: Vec<u64> = sent.iter().map(|d| d.to).collect();
    got.sort_unstable();
    assert_eq!(got, vec![1001, 1002, FACILITATOR], "{sent:#?}");
    for family in [1001, 1002] {
        assert_eq!(
            to(&sent, family)[0].text,
            "Viesti ryhmän ohjaajalta\n\nMuistakaa sisäkengät!"
        );
    }
    assert_eq!(
        to(&sent, FACILITATOR)[0].text,
        "Viestisi on lähetetty 2 vastaanottajalle: 2 perillä, 0 ei tavoitettavissa, 0 epäonnistui."
    );

    // Support: relayed to the group's coordinators, the group named.
    f.says("/support")
        .await
        .shows("Kirjoita viestisi ryhmän Tilli Toukka koordinaattorille.");
    f.says("Voisitko soittaa minulle huomenna?")
        .await
        .shows("Kiitos! Viestisi on välitetty ryhmän Tilli Toukka koordinaattorille.");
    let sent = deliveries(&app).await;
    let mut got: Vec<u64> = sent.iter().map(|d| d.to).collect();
    got.sort_unstable();
    assert_eq!(got, vec![COORD_TILLI, COORD_ALL, COORD_AREAS], "{sent:#?}");
    let relayed = to(&sent, COORD_TILLI)[0];
    assert!(
        relayed
            .text
            .starts_with("kokoon: uutta koordinaattorille\n\nOhjaaja Olli Ohjaaja (Telegram-id 5001) pyytää tukea ryhmään Tilli Toukka:"),
        "{}",
        relayed.text
    );
    assert!(relayed.text.ends_with("Voisitko soittaa minulle huomenna?"));

    // The coordinator removes the facilitator, who is told neutrally.
    c.says("/facilitators")
        .await
        .shows("• Olli Ohjaaja: Tilli Toukka");
    c.taps("Poista Olli Ohjaaja")
        .await
        .shows("Poistetaanko Olli Ohjaaja ryhmien Tilli Toukka ohjaajista?");
    c.taps("Kyllä, poista")
        .await
        .shows("Olli Ohjaaja ei enää ohjaa ryhmiäsi.");
    let sent = deliveries(&app).await;
    let told = to(&sent, FACILITATOR);
    assert_eq!(told.len(), 1, "{sent:#?}");
    assert_eq!(
        told[0].text,
        "kokoon: uutta ohjaajalle\n\nEt ole enää ohjaajana ryhmissä Tilli Toukka. Lämmin kiitos työstäsi!"
    );
    f.says("/group").await.shows("En tunne tuota komentoa.");
    // Removed, they get no more reminders of the group's meetings; the families do.
    clock.set(reminder_time());
    let sent = deliveries(&app).await;
    assert!(to(&sent, FACILITATOR).is_empty(), "{sent:#?}");
    assert!(to(&sent, 1001)[0]
        .text
        .starts_with("Muistutus: tapahtuma 15.3. klo 17"));
}

#[tokio::test]
async fn a_facilitators_whole_part_in_swedish() {
    // The notice as it was: a name shared under it is not shown to facilitators.
    let (app, clock, _dir) = app_with_config(config_with_notice(1));
    let mut parents = [crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await];
    deliveries(&app).await;

    let mut c = Chat::new(&app, COORD_TILLI, "sv");
    c.says("/facilitators")
        .await
        .shows("Gruppledare")
        .shows("Dina grupper har inga gruppledare än.");
    c.taps("Bjud in en gruppledare")
        .await
        .shows("Vilka grupper bjuder du in till?");
    c.taps("Tilli Toukka").await;
    let said = c.taps("Skapa inbjudningslänk").await;
    said.shows("Här är en engångslänk (Tilli Toukka).")
        .shows("den fungerar en gång och i 7 dagar");
    let payload = payload_in(&said.text);

    let mut f = Chat::new(&app, FACILITATOR, "sv");
    f.says(&format!("/start {payload}"))
        .await
        .shows("Du har bjudits in som gruppledare: Tilli Toukka.");
    f.says("Greta Gruppledare")
        .await
        .shows("Tack, Greta Gruppledare!");
    f.taps("Jag godkänner")
        .await
        .shows("Du är nu gruppledare: Tilli Toukka.");
    let sent = deliveries(&app).await;
    assert_eq!(
        to(&sent, COORD_TILLI)[0].text,
        "kokoon: nytt för koordinatorn\n\nGreta Gruppledare är nu gruppledare: Tilli Toukka."
    );

    // The facilitator is asked, and the invitations go at once.
    let summary = launch(
        &mut c,
        &["Fråga: Greta Gruppledare", "Skicka inbjudningarna genast"],
        "Skicka inbjudningarna",
    )
    .await;
    assert!(
        summary.contains(
            "Tillfrågas: Greta Gruppledare. Inbjudningarna till familjerna skickas genast."
        ),
        "{summary}"
    );
    let sent = deliveries(&app).await;
    let proposal = to(&sent, FACILITATOR)[0].clone();
    let invitation = to(&sent, 1001)
        .first()
        .map(|d| (*d).clone())
        .expect("the family is invited at once");
    assert!(
        proposal.text.starts_with(
            "kokoon: nytt för gruppledaren\n\nKan du leda Tilli Toukka, Hyvinge (finska)?"
        ),
        "{}",
        proposal.text
    );
    f.reads(&proposal);
    f.taps("Ja, jag kan leda")
        .await
        .shows("Tack! Koordinatorn får veta det.");
    let sent = deliveries(&app).await;
    assert!(to(&sent, COORD_TILLI)[0].text.ends_with(
        "Greta Gruppledare kan leda Tilli Toukka, Hyvinge (finska) (15.3.2027 kl. 17)."
    ));
    parents[0].reads(&invitation);
    parents[0].taps("Kyllä, tulemme").await.shows("Ihanaa!");
    deliveries(&app).await;
    f.says("/group")
        .await
        .shows("Tilli Toukka, Hyvinge")
        .shows("Första träffen 15.3.2027 kl. 17, Pikku-Veturi, Hyvinkää. 1 barn kommer.")
        .shows("1. familj (namnet delas inte) – 1 barn, 5 år")
        .hides("Parent 1001");

    // The notice is raised to the version that names facilitators: the parent is asked again
    // in /mine, and only then does the facilitator see the name.
    let mut config = (*app.config).clone();
    config.notice_version = 2;
    let raised = App {
        config: config.into(),
        ..app.clone()
    };
    let mut parent = Chat::new(&raised, 1001, "fi");
    parent
        .says("/mine")
        .await
        .shows("Nimesi näkyy nyt vain koordinaattorille. Saavatko myös ryhmänohjaajat nähdä sen?");
    let mut g = Chat::new(&raised, FACILITATOR, "sv");
    g.says("/group").await.hides("Parent 1001");
    parent
        .taps("Kyllä, myös ohjaajat")
        .await
        .shows("Kiitos! Nyt myös ryhmänohjaajat näkevät nimesi.");
    parent
        .says("/mine")
        .await
        .hides("Saavatko myös ryhmänohjaajat");
    g.says("/group")
        .await
        .shows("1. Parent 1001 (@parent1001) – 1 barn, 5 år");

    // A message to the families, in the family's own language around the text.
    f.says("/skriv")
        .await
        .shows("Skriv ett meddelande till familjerna i Tilli Toukka, Hyvinge (finska) (1).");
    f.says("Kom ihåg inneskor!")
        .await
        .shows("Ska detta skickas till 1 mottagare?");
    f.taps("Skicka")
        .await
        .shows("Meddelandet går till 1 mottagare.");
    let sent = deliveries(&app).await;
    assert_eq!(
        to(&sent, 1001)[0].text,
        "Viesti ryhmän ohjaajalta\n\nKom ihåg inneskor!"
    );

    f.says("/support")
        .await
        .shows("Skriv ditt meddelande till koordinatorn för Tilli Toukka.");
    f.says("Kan du ringa mig?")
        .await
        .shows("Tack! Ditt meddelande har skickats till koordinatorn för Tilli Toukka.");
    let sent = deliveries(&app).await;
    assert!(to(&sent, COORD_TILLI)[0]
        .text
        .ends_with("Kan du ringa mig?"));

    // The facilitator who said yes gets the meeting's reminders, as the families do.
    clock.set(reminder_time());
    let sent = deliveries(&app).await;
    let reminded = to(&sent, FACILITATOR);
    assert_eq!(reminded.len(), 1, "{sent:#?}");
    assert!(
        reminded[0]
            .text
            .starts_with("Påminnelse: evenemang 15.3 kl. 17"),
        "{}",
        reminded[0].text
    );
    assert_eq!(to(&sent, 1001).len(), 1, "{sent:#?}");

    c.says("/facilitators")
        .await
        .shows("• Greta Gruppledare: Tilli Toukka");
    c.taps("Ta bort Greta Gruppledare")
        .await
        .shows("Ska Greta Gruppledare tas bort som gruppledare för Tilli Toukka?");
    c.taps("Ja, ta bort")
        .await
        .shows("Greta Gruppledare leder inte längre dina grupper.");
    let sent = deliveries(&app).await;
    assert_eq!(
        to(&sent, FACILITATOR)[0].text,
        "kokoon: nytt för gruppledaren\n\nDu är inte längre gruppledare för Tilli Toukka. Varmt tack för ditt arbete!"
    );
}

#[tokio::test]
async fn facilitators_see_nothing_of_groups_they_do_not_facilitate() {
    let (app, _clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = vec![crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await];
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "en");
    launch_and_accept(&app, &mut c, "Send the invitations", &mut parents).await;

    let tilli = app.store.launches().expect("store")[0].id;
    // A facilitator of the schoolchildren's group only.
    c.says("/facilitators").await;
    c.taps("Invite a facilitator").await;
    c.taps("Group for school-age children of separated families")
        .await;
    let payload = payload_in(&c.taps("Make the invitation link").await.text);
    let mut f = Chat::new(&app, FACILITATOR, "en");
    f.says(&format!("/start {payload}")).await;
    f.says("Kim").await;
    f.taps("I agree").await.shows("You are now a facilitator");

    // And someone who facilitates nothing.
    let mut someone = Chat::new(&app, 4242, "en");
    let unknown = someone.says("/nonsense").await.text;
    let stale = someone.presses_raw("1:zz").await.text;
    for cmd in [
        "/group",
        "/support",
        "/facilitators",
        "/ryhma",
        "/tuki",
        "/write",
        "/kirjoita",
        "/skriv",
    ] {
        assert_eq!(someone.says(cmd).await.text, unknown, "{cmd}");
    }
    assert_eq!(f.says("/facilitators").await.text, unknown);
    someone.says("/help").await.hides("For facilitators");
    let forged = [
        "1:fc:i".to_owned(),
        "1:fc:g:tilli-toukka".to_owned(),
        "1:fc:m".to_owned(),
        format!("1:fc:r:{FACILITATOR}"),
        format!("1:fc:R:{FACILITATOR}"),
        "1:fc:c:y".to_owned(),
        "1:fc:l:tilli-toukka".to_owned(),
        "1:fc:s:tilli-toukka".to_owned(),
        format!("1:fc:p:{FACILITATOR}"),
        "1:fc:P".to_owned(),
        "1:fc:h:y".to_owned(),
        format!("1:fc:y:{tilli}:y"),
        format!("1:fc:y:{tilli}:n"),
        format!("1:fc:w:{tilli}"),
        "1:fc:W".to_owned(),
        format!("1:fc:x:{tilli}"),
    ];
    for data in &forged {
        let said = someone.presses_raw(data).await;
        assert_eq!(said.text, stale, "{data}");
        assert!(!said.text.contains("Parent"), "{data}");
        let said = f.presses_raw(data).await;
        assert_eq!(
            said.text.lines().next(),
            stale.lines().next(),
            "a facilitator of another group: {data}"
        );
        assert!(!said.text.contains("Parent"), "{data}");
    }
    // Their own group's list is theirs to see; Tilli Toukka's is not, by any route.
    f.says("/group")
        .await
        .shows(
            "Group for school-age children of separated families: the group has not started yet.",
        )
        .hides("Tilli Toukka");
    f.says("/write")
        .await
        .shows("The group you facilitate has not started yet")
        .hides("Tilli Toukka");
    // A coordinator of other groups cannot remove a facilitator of groups they do not see.
    let mut areas = Chat::new(&app, COORD_AREAS, "en");
    areas
        .says("/facilitators")
        .await
        .hides("Kim")
        .shows("Your groups have no facilitators yet.");
    assert_eq!(
        areas
            .presses_raw(&format!("1:fc:R:{FACILITATOR}"))
            .await
            .text
            .lines()
            .next(),
        stale.lines().next()
    );
    assert!(deliveries(&app).await.iter().all(|d| d.to != FACILITATOR));
    // Nothing was relayed: the forged support buttons made no state that sends.
    assert!(app.store.facilitators().expect("store").len() == 1);
}

#[tokio::test]
async fn a_facilitators_data_goes_with_forget() {
    let (app, _clock, _dir) = app_with_config(config_with_notice(2));
    // A family waits, so that the group can be launched.
    crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await;
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/facilitators").await;
    c.taps("Kutsu ohjaaja").await;
    c.taps("Tilli Toukka").await;
    let payload = payload_in(&c.taps("Tee kutsulinkki").await.text);
    let mut f = Chat::new(&app, FACILITATOR, "fi");
    f.says(&format!("/start {payload}")).await;
    f.says("Olli Ohjaaja").await;
    f.taps("Hyväksyn tallennuksen").await;
    assert_eq!(app.store.facilitators().expect("store").len(), 1);
    // They take a launch: listed on its proposal record and its meeting.
    launch(&mut c, &["Kysy: Olli Ohjaaja"], "Lähetä kutsut").await;
    let proposal = deliveries(&app)
        .await
        .into_iter()
        .find(|d| d.to == FACILITATOR)
        .expect("the proposal");
    f.reads(&proposal);
    f.taps("Kyllä, voin ohjata").await.shows("Kiitos!");
    let launched = app.store.launches().expect("store")[0].id;
    let listed = |app: &App| {
        let crew = app.store.crew(launched).expect("store").expect("the crew");
        let on_meeting = app.store.events().expect("store").iter().any(|e| {
            e.facilitators
                .contains(&kokoon::domain::UserId(FACILITATOR))
        });
        (
            crew.asked.iter().any(|a| a.user.0 == FACILITATOR),
            on_meeting,
            crew.any_yes(),
        )
    };
    assert_eq!(listed(&app), (true, true, true));
    // Their own data, in /mydata.
    let said = f.says("/mydata").await;
    let text = String::from_utf8_lossy(&said.files[0].bytes).into_owned();
    assert!(
        text.contains("Ryhmänohjaajana: nimi Olli Ohjaaja, ryhmät Tilli Toukka."),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("JSON");
    assert_eq!(json["facilitator"]["name"], "Olli Ohjaaja");
    assert_eq!(json["facilitator"]["consent"]["version"], 2);
    f.says("/forget").await;
    f.taps("Kyllä, poista kaikki").await;
    assert!(app.store.facilitators().expect("store").is_empty());
    // Their id is gone from the launch's records; the launch stays as decided.
    assert_eq!(listed(&app), (false, false, true));
    f.says("/group").await.shows("En tunne tuota komentoa.");
}

#[tokio::test]
async fn after_a_no_the_coordinator_may_let_the_held_invitations_go() {
    let (app, _clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = [crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await];
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/facilitators").await;
    c.taps("Kutsu ohjaaja").await;
    c.taps("Tilli Toukka").await;
    let payload = payload_in(&c.taps("Tee kutsulinkki").await.text);
    let mut f = Chat::new(&app, FACILITATOR, "fi");
    f.says(&format!("/start {payload}")).await;
    f.says("Olli Ohjaaja").await;
    f.taps("Hyväksyn tallennuksen").await;
    deliveries(&app).await;

    let summary = launch(&mut c, &["Kysy: Olli Ohjaaja"], "Lähetä kutsut").await;
    assert!(
        summary.contains("Kutsut perheille lähtevät vasta"),
        "{summary}"
    );
    let proposal = deliveries(&app)
        .await
        .into_iter()
        .find(|d| d.to == FACILITATOR)
        .expect("the proposal");
    f.reads(&proposal);
    f.taps("En tällä kertaa")
        .await
        .shows("Kiitos, kun kerroit.");
    let sent = deliveries(&app).await;
    assert!(to(&sent, 1001).is_empty(), "still held: {sent:#?}");
    let news = to(&sent, COORD_TILLI)[0].clone();
    assert_eq!(
        news.text,
        "kokoon: uutta koordinaattorille\n\nOlli Ohjaaja ei voi ohjata ryhmää Tilli Toukka, Hyvinkää (suomi) (15.3.2027 klo 17).\n\nKutsut perheille odottavat yhä ohjaajan kyllä-vastausta."
    );
    // Someone else's forged release changes nothing.
    let launched = app.store.launches().expect("store")[0].id;
    let mut other = Chat::new(&app, 4242, "fi");
    other
        .presses_raw(&format!("1:fc:x:{launched}"))
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    assert!(to(&deliveries(&app).await, 1001).is_empty());
    c.reads(&news);
    c.taps("Lähetä kutsut perheille nyt")
        .await
        .shows("Selvä! Kutsut lähtevät perheille.");
    c.taps("Lähetä kutsut perheille nyt")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    accept(&app, &mut parents).await;
    // Olli said no: the launch is not theirs to see.
    f.says("/group")
        .await
        .shows("Tilli Toukka: ryhmä ei ole vielä alkanut.");
}

/// A facilitator of a launch marks who came to its meeting, as its coordinators may
/// (`Engine::manages_meetings`): `/attendance` lists the launches they facilitate, the names
/// only with the consent that names facilitators. Someone else gets nothing, nor with a forged
/// button.
#[tokio::test]
async fn a_facilitator_marks_who_came() {
    let (app, clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = vec![
        crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await,
        crate::chat::join_tilli(&app, 1002, "Hyvinkää", false).await,
    ];
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/facilitators").await;
    c.taps("Kutsu ohjaaja").await;
    c.taps("Tilli Toukka").await;
    let payload = payload_in(&c.taps("Tee kutsulinkki").await.text);
    let mut f = Chat::new(&app, FACILITATOR, "fi");
    f.says(&format!("/start {payload}")).await;
    f.says("Olli Ohjaaja").await;
    f.taps("Hyväksyn tallennuksen")
        .await
        .shows("Olet nyt ohjaaja: Tilli Toukka.");
    deliveries(&app).await;
    // Nobody asked: the group's facilitators lead the launch.
    launch_and_accept(&app, &mut c, "Lähetä kutsut", &mut parents).await;
    let meeting = app.store.launches().expect("store")[0]
        .event
        .expect("the meeting");

    f.says("/attendance")
        .await
        .shows("Ryhmillä ei ole vielä ollut tapaamisia.");
    // The meeting has begun (15.3.2027 at 17.30 in Helsinki).
    clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-03-15T15:30:00Z")
            .expect("time")
            .into(),
    );
    f.says("/lasnaolo")
        .await
        .shows("Minkä tapaamisen läsnäolon merkitset?");
    f.taps("Tilli Toukka · 15.3. (0/2)")
        .await
        .shows("paikalla 0/2")
        .offers("⬜ Parent 1001 (@parent1001)")
        .offers("⬜ perhe 2");
    f.taps("⬜ perhe 2")
        .await
        .shows("paikalla 1/2")
        .offers("✅ perhe 2");
    let e = kokoon::flow::View::event(&app.store, meeting).expect("the meeting");
    assert_eq!(e.came, vec![kokoon::domain::UserId(1002)]);

    // A parent: an unknown command, and a forged button is stale.
    parents[0]
        .says("/attendance")
        .await
        .shows("En tunne tuota komentoa.");
    parents[0]
        .presses_raw(&format!("1:at:{meeting}:1:y"))
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    let e = kokoon::flow::View::event(&app.store, meeting).expect("the meeting");
    assert_eq!(e.came, vec![kokoon::domain::UserId(1002)]);
}

/// Someone opens a coordinator's invitation link for `group` (its button in the coordinator's
/// language) and becomes its facilitator under `name`, speaking Finnish.
async fn facilitator_of(app: &App, c: &mut Chat, user: u64, name: &str, group: &str) -> Chat {
    facilitator_in(app, c, user, name, group, "fi").await
}

/// [`facilitator_of`], the facilitator's Telegram in `lang`.
async fn facilitator_in(
    app: &App,
    c: &mut Chat,
    user: u64,
    name: &str,
    group: &str,
    lang: &str,
) -> Chat {
    c.says("/facilitators").await;
    let invite = [
        "Kutsu ohjaaja",
        "Bjud in en gruppledare",
        "Invite a facilitator",
    ]
    .into_iter()
    .find(|l| c.has_button(l))
    .expect("the invitation button");
    c.taps(invite).await;
    c.taps(group).await;
    let make = [
        "Tee kutsulinkki",
        "Skapa inbjudningslänk",
        "Make the invitation link",
    ]
    .into_iter()
    .find(|l| c.has_button(l))
    .expect("the link button");
    let payload = payload_in(&c.taps(make).await.text);
    let mut f = Chat::new(app, user, lang);
    f.says(&format!("/start {payload}")).await;
    f.says(name).await;
    let (agree, now) = match lang {
        "sv" => ("Jag godkänner", "Du är nu gruppledare"),
        "en" => ("I agree", "You are now a facilitator"),
        _ => ("Hyväksyn tallennuksen", "Olet nyt ohjaaja"),
    };
    f.taps(agree).await.shows(now);
    f
}

/// The starts of a launch's meetings, in the launch's order, and which are cancelled.
fn meetings_of(app: &App) -> Vec<(chrono::DateTime<chrono::Utc>, bool)> {
    let l = app.store.launches().expect("store")[0].clone();
    l.meeting_ids()
        .into_iter()
        .map(|id| {
            let e = kokoon::flow::View::event(&app.store, id).expect("a meeting");
            (e.start, e.cancelled)
        })
        .collect()
}

/// Helsinki time as UTC, 2027 (winter UTC+2 until 28.3., then summer UTC+3).
fn hki(d: u32, mo: u32, h: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let offset = if (mo, d) >= (3, 28) { 3 } else { 2 };
    chrono::Utc
        .with_ymd_and_hms(2027, mo, d, h, 0, 0)
        .single()
        .expect("a time")
        - chrono::Duration::hours(offset)
}

/// The families among `sent`, sorted; the meeting's facilitator (who leads it, and is told of
/// a change to it as its families are) at most once.
fn told(sent: &[Delivered]) -> Vec<u64> {
    assert!(to(sent, FACILITATOR).len() <= 1, "{sent:#?}");
    let mut v: Vec<u64> = sent
        .iter()
        .map(|d| d.to)
        .filter(|u| *u != FACILITATOR)
        .collect();
    v.sort_unstable();
    v
}

/// A launch's facilitator manages its meetings as its coordinators do
/// (`Engine::manages_meetings`): from a meeting's card they move one meeting, the rest of the
/// series (typing the new time), cancel one and cancel the rest, and each family hears once
/// per change. A facilitator of another group, a parent and someone else change nothing, by
/// a forged button or by typing; nor does a facilitator removed half-way through.
#[tokio::test]
async fn a_facilitator_moves_and_cancels_the_meetings_of_their_launch() {
    let (app, _clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = vec![
        crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await,
        crate::chat::join_tilli(&app, 1002, "Hyvinkää", false).await,
    ];
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    let mut f = facilitator_of(&app, &mut c, FACILITATOR, "Olli Ohjaaja", "Tilli Toukka").await;
    let mut kim =
        facilitator_of(&app, &mut c, 5002, "Kim", "Eroperheiden koululaisten ryhmä").await;
    deliveries(&app).await;
    // Eight weekly meetings from Monday 15.3.2027 at 17; Olli leads them (nobody was asked).
    launch_and_accept(&app, &mut c, "Lähetä kutsut", &mut parents).await;
    deliveries(&app).await;
    let ids = app.store.launches().expect("store")[0].meeting_ids();
    let planned = vec![
        (hki(15, 3, 17), false),
        (hki(22, 3, 17), false),
        (hki(29, 3, 17), false),
        (hki(5, 4, 17), false),
        (hki(12, 4, 17), false),
        (hki(19, 4, 17), false),
        (hki(26, 4, 17), false),
        (hki(3, 5, 17), false),
    ];
    assert_eq!(meetings_of(&app), planned);

    // Nobody else changes anything: not by a forged button, not by typing a time.
    let mut someone = Chat::new(&app, 4242, "fi");
    let stale = "Tuo painike on vanhasta viestistä.";
    for chat in [&mut kim, &mut parents[0], &mut someone] {
        for data in [
            format!("1:em:{}:r", ids[1]),
            format!("1:em:{}:R", ids[1]),
            format!("1:em:{}:Y", ids[1]),
            format!("1:em:{}:x", ids[1]),
            format!("1:em:{}:X", ids[1]),
            format!("1:em:{}:e", ids[1]),
            format!("1:ef:{}:s", ids[1]),
            format!("1:ef:{}:e", ids[1]),
        ] {
            chat.presses_raw(&data).await.shows(stale);
            chat.says("23.3. klo 18")
                .await
                .hides("Tallennettu")
                .hides("Siirretty");
        }
        chat.says("/events")
            .await
            .hides("Siirrä")
            .hides("Peru tämä");
    }
    assert_eq!(meetings_of(&app), planned);
    assert!(deliveries(&app).await.is_empty());

    // The facilitator's cards: move or cancel a meeting, or it and the later ones.
    let cards = f.says("/events").await;
    cards
        .shows("Tilli Toukka")
        .offers("2 · 🕒 Siirrä tämä tapaaminen")
        .offers("2 · ✖ Peru tämä tapaaminen")
        .offers("2 · 🕒 Siirrä tämä ja myöhemmät")
        .offers("2 · Peru tämä ja myöhemmät")
        .hides("Muokkaa");

    // One meeting moved: the second an hour later. Each family hears once.
    f.taps("2 · 🕒 Siirrä tämä tapaaminen")
        .await
        .shows("Milloin tapahtuma alkaa?");
    f.says("22.3. klo 18").await.shows("Tallennettu.");
    let sent = deliveries(&app).await;
    assert_eq!(told(&sent), vec![1001, 1002], "once each: {sent:#?}");
    assert!(
        to(&sent, 1002)[0].text.contains("22.3.2027 klo 18"),
        "{sent:#?}"
    );

    // The rest of the series from the fourth meeting on, a day later.
    f.says("/events").await;
    f.taps("4 · 🕒 Siirrä tämä ja myöhemmät")
        .await
        .shows("Mihin aikaan tapaaminen 5.4.2027 klo 17 siirretään?")
        .shows("(5 yhteensä)");
    f.says("6.4. klo 17").await.shows("Siirretty 5 tapaamista.");
    let sent = deliveries(&app).await;
    assert_eq!(told(&sent), vec![1001, 1002], "once each: {sent:#?}");
    assert!(
        to(&sent, 1002)[0]
            .text
            .contains("Ryhmän Tilli Toukka tapaamiset muuttuivat:\n• 6.4.2027 klo 17"),
        "{sent:#?}"
    );

    // The third meeting cancelled alone.
    f.says("/events").await;
    f.taps("3 · ✖ Peru tämä tapaaminen")
        .await
        .shows("Perutaanko Tilli Toukka?");
    f.taps("Kyllä, peru tapahtuma").await.shows("peruttiin");
    let sent = deliveries(&app).await;
    assert_eq!(told(&sent), vec![1001, 1002], "once each: {sent:#?}");

    // The last two cancelled together.
    let cards = f.says("/events").await;
    cards.hides("29.3.");
    f.taps("6 · Peru tämä ja myöhemmät")
        .await
        .shows("(2 yhteensä)");
    f.taps("Kyllä, peru ne")
        .await
        .shows("Peruttu 2 tapaamista.");
    let sent = deliveries(&app).await;
    assert_eq!(told(&sent), vec![1001, 1002], "once each: {sent:#?}");
    let changed = vec![
        (hki(15, 3, 17), false),
        (hki(22, 3, 18), false),
        (hki(29, 3, 17), true),
        (hki(6, 4, 17), false),
        (hki(13, 4, 17), false),
        (hki(20, 4, 17), false),
        (hki(27, 4, 17), true),
        (hki(4, 5, 17), true),
    ];
    assert_eq!(meetings_of(&app), changed);

    // Removed half-way through typing a new time, the facilitator changes nothing.
    f.says("/events").await;
    f.taps("2 · 🕒 Siirrä tämä ja myöhemmät")
        .await
        .shows("Mihin aikaan");
    c.says("/facilitators").await;
    c.taps("Poista Olli Ohjaaja").await;
    c.taps("Kyllä, poista").await;
    deliveries(&app).await;
    f.says("23.3. klo 17").await.hides("Siirretty");
    assert_eq!(meetings_of(&app), changed);
    assert!(deliveries(&app).await.is_empty());
}

/// A facilitator is reminded of every meeting of the series they lead, on the manual clock:
/// Tilli Toukka in Hyvinkää, four weekly meetings with the second week left out and the third
/// meeting planned on another day; after the second meeting the coordinator moves the last a
/// day later. The facilitator (Swedish-speaking) gets each reminder once, at its minute (the
/// day before at the same time and two hours before), none for the week left out, and the
/// moved meeting's at its new time only. Helsinki time (summer time from 28.3.):
///
/// | n | as planned       | as launched                | reminders                   |
/// |---|------------------|----------------------------|-----------------------------|
/// | 1 | Mon 15.3. 17.00  | 15.3. 17.00                | 14.3. 17.00, 15.3. 15.00    |
/// | – | 22.3.            | left out (`-2`)            | none                        |
/// | 2 | 29.3.            | 29.3. 17.00                | 28.3. 17.00, 29.3. 15.00    |
/// | 3 | 5.4.             | Wed 7.4. 18.00 (`3: 7.4. klo 18`) | 6.4. 18.00, 7.4. 16.00 |
/// | 4 | 12.4.            | 12.4. 17.00, moved on 30.3. to 13.4. 17.00 | 12.4. 17.00, 13.4. 15.00 |
#[tokio::test]
async fn a_facilitator_is_reminded_of_every_meeting_of_the_series_once() {
    let (app, clock, _dir) = app_with_config(config_with_notice(2));
    let mut parents = vec![
        crate::chat::join_tilli(&app, 1001, "Hyvinkää", true).await,
        crate::chat::join_tilli(&app, 1002, "Hyvinkää", false).await,
    ];
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    facilitator_in(
        &app,
        &mut c,
        FACILITATOR,
        "Greta Gruppledare",
        "Tilli Toukka",
        "sv",
    )
    .await;
    deliveries(&app).await;

    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 2/5").await;
    c.says("15.3. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.taps("📅 Muuta tapaamisia").await;
    c.says("4").await;
    c.says("-2").await;
    c.says("3: 7.4. klo 18").await.shows(
        "1. 15.3.2027 klo 17\n– 22.3.2027: ei tapaamista\n2. 29.3.2027 klo 17\n3. 7.4.2027 klo 18\n4. 12.4.2027 klo 17",
    );
    c.taps("✅ Päivät ovat oikein").await;
    c.taps("Lähetä kutsut").await;
    accept(&app, &mut parents).await;
    deliveries(&app).await;

    // Each reminder at its minute, not a minute before, once, in Swedish.
    let reminders = |sent: &[Delivered]| -> Vec<String> {
        to(sent, FACILITATOR)
            .iter()
            .map(|d| d.text.lines().next().unwrap_or_default().to_owned())
            .collect()
    };
    let check = |at, when: &str| {
        let app = app.clone();
        let clock = clock.clone();
        let when = when.to_owned();
        async move {
            clock.set(at - chrono::Duration::minutes(1));
            let early = deliveries(&app).await;
            assert!(reminders(&early).is_empty(), "early for {when}: {early:#?}");
            clock.set(at);
            let sent = deliveries(&app).await;
            assert_eq!(
                reminders(&sent),
                vec![format!("Påminnelse: evenemang {when}")],
                "at {at}: {sent:#?}"
            );
        }
    };
    check(hki(14, 3, 17), "15.3 kl. 17").await;
    check(hki(15, 3, 15), "15.3 kl. 17").await;
    // The week left out: nothing the day before nor on the day.
    clock.set(hki(22, 3, 18));
    assert!(reminders(&deliveries(&app).await).is_empty());
    check(hki(28, 3, 17), "29.3 kl. 17").await;
    check(hki(29, 3, 15), "29.3 kl. 17").await;

    // After the second meeting the coordinator moves the last a day later.
    clock.set(hki(30, 3, 10));
    deliveries(&app).await;
    let last = *app.store.launches().expect("store")[0]
        .meeting_ids()
        .last()
        .expect("meetings");
    c.presses_raw(&format!("1:em:{last}:r"))
        .await
        .shows("Mihin aikaan tapaaminen 12.4. klo 17 siirretään?");
    c.says("13.4. klo 17")
        .await
        .shows("Siirretty 1 tapaaminen.");
    deliveries(&app).await;

    check(hki(6, 4, 18), "7.4 kl. 18").await;
    check(hki(7, 4, 16), "7.4 kl. 18").await;
    // Not at the old time.
    clock.set(hki(12, 4, 16));
    assert!(reminders(&deliveries(&app).await).is_empty());
    check(hki(12, 4, 17), "13.4 kl. 17").await;
    check(hki(13, 4, 15), "13.4 kl. 17").await;
    // And nothing more.
    clock.set(hki(30, 4, 12));
    assert!(reminders(&deliveries(&app).await).is_empty());
}
