//! Both parents, one child (issue 14): Aino registers her five-year-old for Tilli Toukka and
//! shares the registration with the child's other parent, Ben, through a one-time link. Ben
//! opens it, gives his own consent and adds a time that suits him. The child is counted once
//! at every step; forged, own, reused and expired links get a friendly answer; Aino can take an
//! unused link back and unlink Ben (who is told neutrally); either parent can leave and the
//! registration stays while one holds it; one parent's `/forget` removes only them, and after
//! the last parent's `/forget` nothing of the family opens from the raw files.

use crate::chat::{app_with_clock, deliveries, join_tilli, Chat};
use kokoon::app::App;
use kokoon::domain::{Demand, Pool, Registration, Rules, Status, UserId};

pub(crate) const AINO: u64 = 650_001;
pub(crate) const BEN: u64 = 650_002;
const CLAES: u64 = 650_003;

fn regs(app: &App) -> Vec<Registration> {
    app.store
        .all_registrations()
        .collect::<Result<_, _>>()
        .expect("store")
}

/// Demand in Tilli Toukka's Hyvinkää pool, as the counters keep it; checked against a recount.
pub(crate) fn demand(app: &App) -> Demand {
    let regs = regs(app);
    let pool: Pool = app.config.pool_of(regs.first().expect("a registration"));
    let mut recount = Demand::default();
    for r in regs
        .iter()
        .filter(|r| r.status == Status::Waiting && app.config.pool_of(r) == pool)
    {
        recount.add(r);
    }
    let stored = app.store.demand_in(&pool).expect("store");
    assert_eq!(stored, recount, "the counters equal a recount");
    stored
}

pub(crate) fn once() -> Demand {
    Demand {
        families: 1,
        participants: 1,
    }
}

/// The link in the reply, and its `/start` command.
pub(crate) fn start_of(text: &str) -> String {
    let at = text.find("?start=").expect("a link") + "?start=".len();
    let payload: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert!(payload.len() <= 64);
    format!("/start {payload}")
}

/// Aino registers and makes a link; the `/start` command of the link.
pub(crate) async fn aino_shares(app: &App) -> (Chat, String) {
    let mut aino = join_tilli(app, AINO, "Hyvinkää", true).await;
    assert!(aino.has_button("Anna linkki toiselle vanhemmalle"));
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    said.shows("toimii kerran ja 14 päivän ajan")
        .shows("Hän näkee lasten iät, ryhmän ja alueen")
        .offers("Peru linkki");
    let start = start_of(&said.text);
    (aino, start)
}

/// Ben opens the link and joins, adding weekday mornings, sharing his name as `name`. His
/// Telegram speaks Finnish here; [`ben_joins_in`] for another language.
pub(crate) async fn ben_joins(app: &App, start: &str, name: &str) -> Chat {
    ben_joins_in(app, start, name, "fi").await
}

/// [`ben_joins`] with Ben's Telegram in `lang` (`fi` or `sv`): he is spoken to in his own
/// language from the link on, whatever the family's.
pub(crate) async fn ben_joins_in(app: &App, start: &str, name: &str, lang: &str) -> Chat {
    // The intro, the consent's words for joining (and for registering, not shown), the
    // consent button, the times, a time, done, sharing the name, the note, skip, joined.
    let t: [&str; 11] = match lang {
        "sv" => [
            "har delat en anmälan till Tilli Toukka med dig",
            "Barnens åldrar: ",
            "Härnäst frågar jag om bara tider som passar er",
            "Härnäst frågar jag om barnens åldrar",
            "Jag godkänner",
            "Du kan välja de tider som passar dig",
            "Vardagsförmiddagar",
            "Klar",
            "Ja, det får hen",
            "Vill du berätta något mer för koordinatorn?",
            "Hoppa över",
        ],
        _ => [
            "on jakanut kanssasi ilmoittautumisen ryhmään Tilli Toukka",
            "Lasten iät: ",
            "Kysyn seuraavaksi vain teille sopivat ajat",
            "Kysyn seuraavaksi lasten iät",
            "Hyväksyn tallennuksen",
            "Voit valita ajat",
            "Arkiaamupäivisin",
            "Valmis",
            "Kyllä, saa nähdä",
            "Haluatko vielä kertoa koordinaattorille jotain?",
            "Ohita",
        ],
    };
    let joined = match lang {
        "sv" => "Nu är du med i anmälan till Tilli Toukka",
        _ => "Olet nyt mukana ilmoittautumisessa ryhmään Tilli Toukka",
    };
    let mut ben = Chat::named(app, BEN, lang, name);
    ben.says(start)
        .await
        .shows(t[0])
        .shows(t[1])
        // The consent names what joining asks: the times only.
        .shows(t[2])
        .hides(t[3])
        .offers(t[4]);
    ben.taps(t[4]).await.shows(t[5]);
    ben.taps(t[6]).await;
    ben.taps(t[7]).await;
    ben.taps(t[8]).await.shows(t[9]);
    ben.taps(t[10]).await.shows(joined);
    ben
}

/// Aino speaks Finnish and her registration is for a Finnish group; Ben's Telegram speaks
/// Swedish. Opening her link, joining, `/mine` and `/mydata` are in Swedish, his language is
/// not changed to the family's, and Aino's stays hers.
#[tokio::test]
async fn the_other_parent_is_spoken_to_in_their_own_language_not_the_familys() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins_in(&app, &start, "Ben", "sv").await;
    let record = app.store.user(UserId(BEN)).expect("store");
    assert_ne!(
        record.lang,
        Some(kokoon::domain::Lang::Fi),
        "joining does not switch Ben to the family's language"
    );
    ben.says("/mine")
        .await
        .shows("Du är med i den andra förälderns anmälan till Tilli Toukka")
        .offers("Gå ur")
        .hides("Olet mukana");
    let said = ben.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(text.contains("Vardagsförmiddagar"), "{text}");
    aino.says("/mine")
        .await
        .shows("on jaettu lapsen toisen vanhemman kanssa");
    assert_eq!(demand(&app), once());
}

#[tokio::test]
async fn two_parents_share_one_child_who_counts_once_at_every_step() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    assert_eq!(demand(&app), once());

    // A forged link, and Aino's own.
    let mut claes = Chat::new(&app, CLAES, "fi");
    claes
        .says(&format!("/start f_{}", "a".repeat(25)))
        .await
        .shows("Tämä linkki ei toimi");
    aino.says(&start).await.shows("Tämä on oma linkkisi");

    let mut ben = ben_joins(&app, &start, "Ben").await;
    assert_eq!(demand(&app), once(), "the child counts once");
    assert_eq!(regs(&app).len(), 1, "one family, one registration");

    // The link worked once.
    claes.says(&start).await.shows("on jo liitytty");

    // Ben sees the family in /mine, Aino sees that it is shared.
    ben.says("/mine")
        .await
        .shows("Olet mukana toisen vanhemman ilmoittautumisessa")
        .offers("Lähde pois");
    aino.says("/mine")
        .await
        .shows("on jaettu lapsen toisen vanhemman kanssa")
        .offers("Lopeta jakaminen");

    // Aino unlinks Ben: he is told neutrally, and keeps nothing.
    aino.taps("Lopeta jakaminen")
        .await
        .shows("ei ole enää mukana");
    let sent = deliveries(&app).await;
    let to_ben: Vec<_> = sent.iter().filter(|d| d.to == BEN).collect();
    assert_eq!(to_ben.len(), 1, "{sent:?}");
    assert!(to_ben[0].text.starts_with("Viesti ilmoittautumisestasi"));
    assert!(to_ben[0].text.contains("ei enää jaeta kanssasi"));
    ben.says("/mine").await.shows("Sinulla ei ole");
    assert_eq!(demand(&app), once());

    // A new link, taken back before it is used.
    aino.says("/mine").await;
    let (_, revoked) = {
        let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
        (said.clone(), start_of(&said.text))
    };
    aino.taps("Peru linkki").await.shows("Linkki on peruttu");
    ben.says(&revoked).await.shows("Tämä linkki ei toimi");

    // A link that is not used in time.
    aino.says("/mine").await;
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    let late = start_of(&said.text);
    clock.advance(chrono::Duration::days(15));
    ben.says(&late).await.shows("vanhentunut");

    // Ben joins again, then leaves himself: the registration stays with Aino.
    aino.says("/mine").await;
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    let fresh = start_of(&said.text);
    let mut ben = ben_joins(&app, &fresh, "Ben").await;
    ben.says("/mine").await;
    ben.taps("Lähde pois").await.shows("Et ole enää mukana");
    assert_eq!(demand(&app), once());
    assert_eq!(
        app.store
            .registrations_of(UserId(AINO))
            .expect("store")
            .len(),
        1
    );
}

/// The paused registrations of Tilli Toukka in Hyvinkää, as the counters keep them (checked
/// against a recount, breakdowns and all), and the waiting ones ([`demand`]).
fn counted(app: &App) -> (Demand, Demand) {
    let regs = regs(app);
    let pool: Pool = app.config.pool_of(regs.first().expect("a registration"));
    let recount =
        kokoon::domain::PoolStats::of(regs.iter().filter(|r| {
            app.config.pool_of(r) == pool && matches!(r.status, Status::Paused { .. })
        }));
    let stored = app.store.paused_in(&pool).expect("store");
    assert_eq!(stored, recount, "the paused counters equal a recount");
    (demand(app), stored.demand())
}

/// Interest is renewed, for a shared family: the question goes to Aino, who holds the
/// registration; nobody answers in two weeks, and the family's registration is paused —
/// `/mine` says so to both parents, each with the button to take it up again. Ben takes it
/// up (either parent may: it is the family's place in line), and both see it waiting again.
#[tokio::test]
async fn a_paused_family_registration_shows_paused_to_both_parents_and_either_takes_it_up_again() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben").await;
    assert_eq!(counted(&app), (once(), Demand::default()));

    // Four months on: the holder is asked, once; the other parent is not.
    clock.advance(chrono::Duration::days(123));
    let mut sent = deliveries(&app).await;
    sent.extend(deliveries(&app).await);
    let asked: Vec<_> = sent
        .iter()
        .filter(|d| d.text.contains("Oletko yhä kiinnostunut"))
        .collect();
    assert_eq!(asked.len(), 1, "{sent:#?}");
    assert_eq!(asked[0].to, AINO);
    assert_eq!(counted(&app), (once(), Demand::default()));

    // Two weeks without an answer: paused, counted apart.
    clock.advance(chrono::Duration::days(15));
    deliveries(&app).await;
    deliveries(&app).await;
    assert!(matches!(
        regs(&app)[0].status,
        Status::Paused {
            why: kokoon::domain::Pause::Unrenewed
        }
    ));
    assert_eq!(counted(&app), (Demand::default(), once()));
    aino.says("/mine")
        .await
        .shows("Ilmoittautumisesi on tauolla")
        .offers("Kyllä, pidän paikkani jonossa");
    ben.says("/mine")
        .await
        .shows("Olet mukana toisen vanhemman ilmoittautumisessa")
        .shows("Perheenne ilmoittautuminen on tauolla")
        .offers("Kyllä, pidän paikkani jonossa")
        .offers("Lähde pois");
    // Someone outside the family gets nothing from the same button.
    let mut claes = Chat::new(&app, CLAES, "fi");
    claes
        .presses_raw("1:mr:tilli-toukka")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    assert_eq!(counted(&app), (Demand::default(), once()));

    // Ben takes it up again: the family waits, once, for both.
    ben.taps("Kyllä, pidän paikkani jonossa")
        .await
        .shows("Olet taas jonossa ryhmään Tilli Toukka");
    assert_eq!(regs(&app)[0].status, Status::Waiting);
    assert_eq!(regs(&app)[0].user, UserId(AINO), "Aino still holds it");
    assert_eq!(counted(&app), (once(), Demand::default()));
    let said = ben.says("/mine").await;
    said.shows("Olet mukana toisen vanhemman ilmoittautumisessa")
        .hides("tauolla");
    assert!(
        !said
            .buttons
            .iter()
            .any(|b| b == "Kyllä, pidän paikkani jonossa"),
        "{:?}",
        said.buttons
    );
    aino.says("/mine")
        .await
        .hides("tauolla")
        .offers("Olen yhä kiinnostunut");
    // The button again, from the old message: nothing left to take up.
    ben.presses_raw("1:mr:tilli-toukka")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    assert_eq!(counted(&app), (once(), Demand::default()));
}

#[tokio::test]
async fn one_parents_forget_leaves_the_other_holding_the_family_and_the_last_leaves_nothing() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let canary = "Kanarialintu Zyxwv";
    let mut ben = ben_joins(&app, &start, canary).await;
    assert_eq!(demand(&app), once());
    // Positive control: Ben's name is in the family record, readable with the keys.
    assert!(readable(&app, canary), "the scan finds the canary");

    // Aino forgets: Ben takes the registration over, with his own answers.
    aino.says("/forget").await;
    aino.taps("Kyllä, poista kaikki").await;
    assert_eq!(demand(&app), once(), "the family still counts once");
    let held = app.store.registrations_of(UserId(BEN)).expect("store");
    assert_eq!(
        held.len(),
        1,
        "the registration stays while one parent holds it"
    );
    assert_eq!(
        held[0].children.iter().map(|c| c.year).collect::<Vec<_>>(),
        vec![2021],
        "the children (a five-year-old in 2026) are readable for Ben"
    );
    assert!(app
        .store
        .registrations_of(UserId(AINO))
        .expect("store")
        .is_empty());
    assert!(
        !readable(&app, "Parent 650001"),
        "Aino's name no longer opens"
    );
    ben.says("/mine").await.shows("Tilli Toukka");

    // Ben forgets too: nothing of the family opens any more.
    ben.says("/forget").await;
    ben.taps("Kyllä, poista kaikki").await;
    assert!(regs(&app).is_empty());
    assert!(app.store.families().expect("store").is_empty());
    assert!(!readable(&app, canary), "the canary no longer opens");
}

#[tokio::test]
async fn the_family_key_is_replaced_when_a_parent_leaves_so_their_answers_no_longer_open() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    // Ben's name is only in the family record: positive control.
    let canary = "Kanarialintu Qwxzy";
    let mut ben = ben_joins(&app, &start, canary).await;
    assert!(readable(&app, canary), "the scan finds the canary");
    // Ben leaves: the record is sealed anew under a new family key, the old key destroyed.
    ben.says("/mine").await;
    ben.taps("Lähde pois").await.shows("Et ole enää mukana");
    assert!(
        !readable(&app, canary),
        "the copies that named Ben no longer open"
    );
    assert_eq!(demand(&app), once(), "the family stays with Aino");

    // The same when Aino unlinks the other parent.
    aino.says("/mine").await;
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    let again = start_of(&said.text);
    let canary = "Kanarialintu Vbnmq";
    ben_joins(&app, &again, canary).await;
    assert!(readable(&app, canary), "the scan finds the second canary");
    aino.says("/mine").await;
    aino.taps("Lopeta jakaminen").await;
    assert!(!readable(&app, canary), "unlinked: nothing of Ben opens");
    assert_eq!(demand(&app), once());
}

/// Whether any value that the key and the keyring still open in the raw files holds `needle`.
pub(crate) fn readable(app: &App, needle: &str) -> bool {
    let scan = app.store.scan_files().expect("scan");
    assert!(scan.bytes > 0, "the scan read the files");
    scan.readable
        .iter()
        .any(|v| v.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

pub(crate) const COORD_TILLI: u64 = 100_000_001;

/// The rows of a CSV file kokoon sent (UTF-8 with a BOM, `;`-separated), header first.
fn csv_rows(file: &kokoon::files::File) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&file.bytes[3..]);
    reader
        .records()
        .map(|r| r.expect("a row").iter().map(String::from).collect())
        .collect()
}

/// The coordinator's `/export` row for Tilli Toukka in Hyvinkää: (families, participants).
async fn exported(c: &mut Chat) -> (String, String) {
    let said = c.says("/export").await;
    let rows = csv_rows(said.file.as_ref().expect("a CSV file"));
    let row = rows
        .iter()
        .find(|r| r[0] == "Tilli Toukka" && r[1] == "Hyvinkää")
        .expect("the pool's row");
    (row[3].clone(), row[4].clone())
}

#[tokio::test]
async fn both_parents_are_invited_each_answers_and_the_family_counts_once_at_every_step() {
    let (app, clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD_TILLI, "en");
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben").await;
    // Three more families: four children, below the threshold of five.
    for user in 2..=4 {
        join_tilli(&app, user, "Hyvinkää", true).await;
    }
    assert_eq!(demand(&app).participants, 4, "the shared child counts once");
    assert_eq!(exported(&mut c).await, ("4".into(), "4".into()));
    assert!(
        deliveries(&app).await.is_empty(),
        "no alert: two parents of one child are not two children"
    );
    clock.advance(chrono::Duration::hours(1));
    join_tilli(&app, 5, "Hyvinkää", true).await;
    assert_eq!(demand(&app).participants, 5);
    let alerts = deliveries(&app).await;
    let alert = alerts
        .iter()
        .find(|d| d.to == COORD_TILLI)
        .unwrap_or_else(|| panic!("{alerts:?}"));
    assert!(alert.text.contains("5/5"), "{}", alert.text);
    assert_eq!(exported(&mut c).await, ("5".into(), "5".into()));

    // The waiting list: one family with two contacts, each name with its parent's consent.
    let said = c.says("/demand").await;
    let list = said
        .buttons
        .iter()
        .find(|b| b.starts_with("📋 List: Hyvinkää"))
        .expect("the pool's list")
        .clone();
    c.taps(&list)
        .await
        .shows("1. 1 child (ages 5)")
        .shows("Parent 650001 (@parent650001) & Ben")
        .shows("5. 1 child")
        .hides("6. ")
        // Five one-child registrations of five-year-olds: too common an age to hint at one
        // child registered twice.
        .hides("same children's ages");

    // The coordinator launches: the shared family is invited once, to both parents.
    let said = c.says("/launch").await;
    let label = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää"))
        .expect("the pool is offered")
        .clone();
    c.taps(&label).await;
    c.says("15.3. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.taps("Send the invitations").await;
    let sent = deliveries(&app).await;
    let invited: Vec<u64> = sent
        .iter()
        .filter(|d| d.text.contains("voi alkaa"))
        .map(|d| d.to)
        .collect();
    assert_eq!(invited.len(), 6, "{sent:#?}");
    for who in [AINO, BEN, 2, 3, 4, 5] {
        assert!(invited.contains(&who), "{who} invited: {sent:#?}");
    }
    let launch = kokoon::flow::View::launches(&app.store)[0].clone();
    assert_eq!(launch.invitations.len(), 5, "five families, five seats");
    assert_eq!(launch.held_seats(), 5);
    assert_eq!(
        demand(&app).participants,
        0,
        "invited families wait no more"
    );

    // Aino declines: Ben has not answered, so the family's seat holds and nobody is told.
    let to_aino = sent
        .iter()
        .find(|d| d.to == AINO)
        .expect("Aino's invitation");
    aino.reads(to_aino);
    aino.taps("Ei tällä kertaa").await;
    let launch = kokoon::flow::View::launches(&app.store)[0].clone();
    assert_eq!(launch.held_seats(), 5, "the seat holds while Ben may come");
    assert!(deliveries(&app).await.is_empty(), "nothing decided yet");

    // Ben accepts: the family comes, and Aino gets the meeting's place too.
    let to_ben = sent.iter().find(|d| d.to == BEN).expect("Ben's invitation");
    ben.reads(to_ben);
    ben.taps("Kyllä, tulemme").await.shows("Pikku-Veturi");
    let sent = deliveries(&app).await;
    let news: Vec<_> = sent.iter().filter(|d| d.to == AINO).collect();
    assert_eq!(news.len(), 1, "{sent:#?}");
    assert!(news[0].text.starts_with("Viesti ilmoittautumisestasi"));
    assert!(news[0].text.contains("Pikku-Veturi"));
    let answered: Vec<_> = sent.iter().filter(|d| d.to == COORD_TILLI).collect();
    assert_eq!(answered.len(), 1, "the coordinator hears once: {sent:#?}");
    assert!(answered[0]
        .text
        .contains("Parent 650001 (@parent650001) & Ben"));
    let launch = kokoon::flow::View::launches(&app.store)[0].clone();
    assert_eq!(launch.accepted_seats(), 1);
    let held = &app.store.registrations_of(UserId(AINO)).expect("store")[0];
    assert!(matches!(held.status, Status::Accepted { .. }));
    // A second yes, from Aino's old invitation, changes nothing.
    aino.reads(to_aino);
    aino.taps("Kyllä, tulemme").await;
    assert_eq!(
        kokoon::flow::View::launches(&app.store)[0].accepted_seats(),
        1
    );

    // Nobody else answers: the deadline passes, the launch closes with one family.
    clock.advance(chrono::Duration::hours(
        i64::from(app.config.invite_hours) + 1,
    ));
    let sent = deliveries(&app).await;
    let last = deliveries(&app).await;
    let final_list = sent
        .iter()
        .chain(&last)
        .find(|d| d.to == COORD_TILLI && d.text.contains("final list"))
        .unwrap_or_else(|| panic!("{sent:#?} {last:#?}"));
    assert!(
        final_list.text.contains("Places filled 1/"),
        "{}",
        final_list.text
    );
    assert!(final_list
        .text
        .contains("1. Parent 650001 (@parent650001) & Ben – 1 child"));
    assert!(!final_list.text.contains("2. "), "{}", final_list.text);
    assert!(
        !sent
            .iter()
            .chain(&last)
            .any(|d| d.to == AINO || d.to == BEN),
        "the family that accepted hears of no expiry"
    );
    let mut c = Chat::new(&app, COORD_TILLI, "en");
    c.reads(final_list);
    let said = c.taps("The list as a CSV file").await;
    let rows = csv_rows(said.file.as_ref().expect("a CSV file"));
    assert_eq!(
        rows.len(),
        1 + 5,
        "a header and one row per family: {rows:?}"
    );
    let family: Vec<_> = rows.iter().filter(|r| r[0].contains("Ben")).collect();
    assert_eq!(family.len(), 1, "{rows:?}");
    assert_eq!(family[0][0], "Parent 650001 & Ben");
    assert_eq!(family[0][2], "1");
    // The four who let it expire are paused; demand counts none of the five.
    assert_eq!(demand(&app).participants, 0);
}

/// Aino and Ben share their child; four more families; the coordinator launches five seats.
/// Aino's and Ben's chats, and the invitations sent.
async fn launched(app: &App) -> (Chat, Chat, Vec<crate::chat::Delivered>) {
    let (aino, start) = aino_shares(app).await;
    let ben = ben_joins(app, &start, "Ben").await;
    for user in 2..=5 {
        join_tilli(app, user, "Hyvinkää", true).await;
    }
    deliveries(app).await;
    let mut c = Chat::new(app, COORD_TILLI, "en");
    let said = c.says("/launch").await;
    let label = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää"))
        .expect("the pool is offered")
        .clone();
    c.taps(&label).await;
    c.says("15.3. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.taps("Send the invitations").await;
    let sent = deliveries(app).await;
    (aino, ben, sent)
}

fn held(app: &App) -> u32 {
    kokoon::flow::View::launches(&app.store)[0].held_seats()
}

#[tokio::test]
async fn the_familys_seat_is_released_when_both_parents_decline() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched(&app).await;
    // Ben answers from /mine, where the family's invitation is his to answer too.
    ben.says("/mine")
        .await
        .shows("Olet mukana toisen vanhemman ilmoittautumisessa")
        .shows("Sinut on kutsuttu ryhmään")
        .offers("Ei tällä kertaa");
    ben.taps("Ei tällä kertaa").await;
    assert_eq!(held(&app), 5, "Aino may still come");
    ben.says("/mine")
        .await
        .shows("Paikka pysyy perheellenne")
        .hides("Sinut on kutsuttu");
    aino.says("/mine").await.shows("Sinut on kutsuttu ryhmään");
    aino.reads(sent.iter().find(|d| d.to == AINO).expect("Aino's"));
    aino.taps("Ei tällä kertaa").await;
    assert_eq!(held(&app), 4, "both declined: the seat goes back");
    assert_eq!(demand(&app), once(), "the family waits again, once");
    let told: Vec<_> = deliveries(&app)
        .await
        .into_iter()
        .filter(|d| d.to == COORD_TILLI)
        .collect();
    assert_eq!(told.len(), 1, "one answer for the family: {told:#?}");
    assert!(told[0].text.contains("can't come"), "{}", told[0].text);
}

#[tokio::test]
async fn the_familys_seat_is_released_when_the_deadline_passes_without_an_accept() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched(&app).await;
    aino.reads(sent.iter().find(|d| d.to == AINO).expect("Aino's"));
    aino.taps("Ei tällä kertaa").await;
    aino.says("/mine")
        .await
        .shows("Paikka pysyy perheellenne")
        .hides("Vastaa viimeistään");
    clock.advance(chrono::Duration::hours(
        i64::from(app.config.invite_hours) - 1,
    ));
    deliveries(&app).await;
    assert_eq!(held(&app), 5, "before the deadline Ben may still come");
    clock.advance(chrono::Duration::hours(2));
    let sent_after = deliveries(&app).await;
    assert_eq!(held(&app), 0, "no accept in time: every seat released");
    let r = &app.store.registrations_of(UserId(AINO)).expect("store")[0];
    assert!(matches!(r.status, Status::Paused { .. }), "{:?}", r.status);
    assert!(
        sent_after.iter().any(|d| d.to == AINO),
        "the registration's holder is told it expired: {sent_after:#?}"
    );
    // Ben's answer comes too late.
    ben.reads(sent.iter().find(|d| d.to == BEN).expect("Ben's"));
    ben.taps("Kyllä, tulemme").await;
    assert_eq!(held(&app), 0);
    assert_eq!(
        kokoon::flow::View::launches(&app.store)[0].accepted_seats(),
        0
    );
}

/// A parent registers one child of `age` for Tilli Toukka in Hyvinkää, sharing their name.
pub(crate) async fn join_aged(app: &App, user: u64, age: &str) -> Chat {
    join_with_ages(app, user, &[age]).await
}

/// [`join_aged`] with a child of each of `ages`.
pub(crate) async fn join_with_ages(app: &App, user: u64, ages: &[&str]) -> Chat {
    let mut p = Chat::new(app, user, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    for (i, age) in ages.iter().enumerate() {
        if i > 0 {
            p.taps("Lisää lapsi").await;
        }
        p.taps(age).await;
    }
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Kyllä, saa nähdä").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await.shows("on tallennettu");
    p
}

#[tokio::test]
async fn one_child_registered_by_each_parent_without_the_link_counts_twice_and_is_listed_side_by_side(
) {
    let (app, _clock, _dir) = app_with_clock();
    // Dana registers her five-year-old; a four-year-old's parent; then the five-year-old's
    // other parent, on their own, without the link.
    join_aged(&app, 21, "5").await;
    join_aged(&app, 22, "4").await;
    join_aged(&app, 23, "5").await;
    assert_eq!(
        demand(&app),
        Demand {
            families: 3,
            participants: 3
        },
        "kokoon cannot know: the child counts twice"
    );
    let mut c = Chat::new(&app, COORD_TILLI, "en");
    let said = c.says("/demand").await;
    let list = said
        .buttons
        .iter()
        .find(|b| b.starts_with("📋 List: Hyvinkää"))
        .expect("the pool's list")
        .clone();
    let said = c.taps(&list).await;
    let text = &said.text;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(at("1. 1 child (ages 5)") < at("Parent 21"));
    assert!(at("Parent 21") < at("2. 1 child (ages 5)"));
    assert!(at("2. 1 child (ages 5)") < at("Parent 23"));
    assert!(at("Parent 23") < at("same children's ages as no. 1"));
    assert!(at("same children's ages as no. 1") < at("3. 1 child (ages 4)"));
    assert!(at("3. 1 child (ages 4)") < at("Parent 22"));
}

#[tokio::test]
async fn mydata_gives_each_parent_their_own_part_of_the_family_and_nothing_of_the_others() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben Canary").await;
    let said = ben.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    for needle in [
        "Olet mukana toisen vanhemman ilmoittautumisessa ryhmään Tilli Toukka",
        "Ben Canary",
        "Arkiaamupäivisin",
        "Hyvinkää",
    ] {
        assert!(text.contains(needle), "{needle:?} in:\n{text}");
    }
    assert!(!text.contains("Parent 650001"), "nothing of Aino's: {text}");
    assert!(!text.contains("Arki-iltaisin"), "not Aino's times: {text}");
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("JSON");
    let family = &json["shared_registrations"][0];
    assert_eq!(family["children"][0]["year"], 2021, "{family}");
    assert_eq!(family["name_shown"]["name"], "Ben Canary");
    assert!(family["consents"]["required"].is_object(), "{family}");
    assert!(
        !json.to_string().contains("650001"),
        "no id of Aino's: {json}"
    );

    let said = aino.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(text.contains("Olet jakanut ilmoittautumisesi ryhmään Tilli Toukka"));
    assert!(!text.contains("Ben Canary"), "nothing of Ben's: {text}");
    assert!(
        !text.contains("Arkiaamupäivisin"),
        "not Ben's times: {text}"
    );
}

#[tokio::test]
async fn a_parent_is_never_both_in_a_shared_family_and_registered_alone_for_the_same_group() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    // Claes registered the child himself: the link asks him to withdraw that first.
    let mut claes = join_tilli(&app, CLAES, "Hyvinkää", true).await;
    claes
        .says(&start)
        .await
        .shows("Olet jo ilmoittautunut tähän ryhmään itse")
        .hides("Hyväksyn tallennuksen");
    assert_eq!(
        demand(&app),
        Demand {
            families: 2,
            participants: 2
        }
    );
    // Ben joins; starting a registration of his own for the group is refused kindly.
    let mut ben = ben_joins(&app, &start, "Ben").await;
    let said = ben.says("/start tilli-toukka").await;
    let said = if said.buttons.iter().any(|b| b == "Hyväksyn tallennuksen") {
        ben.taps("Hyväksyn tallennuksen").await
    } else {
        said
    };
    said.shows("Olet jo mukana ryhmän Tilli Toukka ilmoittautumisessa");
    assert_eq!(
        app.store
            .registrations_of(UserId(BEN))
            .expect("store")
            .len(),
        0
    );
    assert_eq!(demand(&app).participants, 2, "Aino's family and Claes's");
    aino.says("/mine").await.shows("on jaettu");
}

/// Found by the LIFE property: the group a child's age fits, offered in the middle of another
/// group's registration, was a way around the rule above.
#[tokio::test]
async fn the_group_offered_for_a_childs_age_is_refused_kindly_to_a_parent_in_its_shared_family() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben").await;
    if ben
        .says("/start koululaiset")
        .await
        .buttons
        .iter()
        .any(|b| b == "Hyväksyn tallennuksen")
    {
        ben.taps("Hyväksyn tallennuksen").await;
    }
    ben.says("5")
        .await
        .shows("Tilli Toukka sopii 5-vuotiaalle – ilmoittaudutaanko siihen?")
        .offers("Ilmoittaudu: Tilli Toukka");
    ben.taps("Ilmoittaudu: Tilli Toukka")
        .await
        .shows("Olet jo mukana ryhmän Tilli Toukka ilmoittautumisessa")
        .hides("Lisätty: 5 v");
    assert_eq!(
        app.store
            .registrations_of(UserId(BEN))
            .expect("store")
            .len(),
        0
    );
    assert_eq!(demand(&app), once());
    aino.says("/mine").await.shows("on jaettu");
}

#[tokio::test]
async fn a_parent_erased_for_blocking_the_bot_leaves_the_family_to_the_other_and_nothing_of_theirs_opens(
) {
    let (app, clock, _dir) = app_with_clock();
    let (_aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben").await;
    assert!(readable(&app, "Parent 650001"), "positive control");
    app.store
        .mark_unreachable(UserId(AINO), kokoon::clock::Clock::now(clock.as_ref()))
        .expect("store");
    clock.advance(chrono::Duration::days(31));
    deliveries(&app).await;
    assert!(
        app.store
            .registrations_of(UserId(AINO))
            .expect("store")
            .is_empty(),
        "Aino is erased"
    );
    let held = app.store.registrations_of(UserId(BEN)).expect("store");
    assert_eq!(held.len(), 1, "Ben holds the family's registration now");
    assert_eq!(demand(&app), once());
    let families = app.store.families().expect("store");
    assert!(
        families.iter().all(|f| !f.has(UserId(AINO))),
        "no family names Aino: {families:?}"
    );
    assert!(
        !readable(&app, "Parent 650001"),
        "Aino's name no longer opens"
    );
    ben.says("/mine").await.shows("Tilli Toukka");
}

#[tokio::test]
async fn a_shared_registration_whose_child_grew_out_of_the_group_takes_the_family_with_it() {
    let (app, clock, _dir) = app_with_clock();
    // A five-year-old: six within the year, seven (too old for Tilli Toukka) in the next.
    let (_aino, start) = aino_shares(&app).await;
    let canary = "Kanarialintu Growth";
    ben_joins(&app, &start, canary).await;
    assert!(readable(&app, canary), "positive control");
    let mut sent = Vec::new();
    for _ in 0..18 {
        clock.advance(chrono::Duration::days(31));
        sent.extend(deliveries(&app).await);
    }
    assert!(regs(&app).is_empty(), "the child grew out of the group");
    // Both parents are told once, neutrally first.
    for parent in [AINO, BEN] {
        let told: Vec<_> = sent
            .iter()
            .filter(|d| d.to == parent && d.text.contains("Lapsesi on kasvanut"))
            .collect();
        assert_eq!(told.len(), 1, "{parent}: {sent:#?}");
        assert!(told[0].text.starts_with("Viesti ilmoittautumisestasi"));
    }
    assert!(
        app.store.families().expect("store").is_empty(),
        "the family goes with the registration"
    );
    assert!(!readable(&app, canary), "Ben's part no longer opens");
}

#[tokio::test]
async fn a_shared_registration_purged_by_retention_takes_the_family_record_and_its_key_with_it() {
    let (app, clock, _dir) = app_with_clock();
    // A four-year-old, who still fits Tilli Toukka when the registration is purged.
    let mut aino = join_aged(&app, AINO, "4").await;
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    let start = start_of(&said.text);
    let canary = "Kanarialintu Retention";
    ben_joins(&app, &start, canary).await;
    assert!(readable(&app, canary), "positive control");
    // Nobody answers anything for well over the retention period.
    for _ in 0..(app.config.retention_months + 6) {
        clock.advance(chrono::Duration::days(31));
        deliveries(&app).await;
    }
    assert!(regs(&app).is_empty(), "the registration is purged");
    assert!(
        app.store.families().expect("store").is_empty(),
        "the family goes with it"
    );
    assert!(!readable(&app, canary), "Ben's part no longer opens");
}

#[tokio::test]
async fn the_other_parent_sees_the_childrens_ages_as_the_first_parent_changed_them() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = ben_joins(&app, &start, "Ben").await;
    ben.says("/mine").await.shows("Lasten iät: 5");

    // Aino corrects the child's age: a four-year-old, not five.
    aino.says("/mine").await;
    aino.taps("Muuta vastauksia").await;
    aino.taps("Muuta").await;
    aino.taps("Lasten iät").await;
    aino.taps("4").await;
    aino.taps("Ei muita, jatketaan")
        .await
        .shows("Lapsen ikä: 4 v");
    aino.taps("Vahvista").await.shows("on päivitetty");

    // Ben's /mine and /mydata show the family's children as they are now.
    ben.says("/mine")
        .await
        .shows("Lasten iät: 4")
        .hides("Lasten iät: 5");
    assert_eq!(demand(&app).participants, 1, "still one child");
}

#[tokio::test]
async fn three_registrations_of_the_same_childrens_ages_made_separately_stand_together() {
    let (app, _clock, _dir) = app_with_clock();
    // A five- and a four-year-old registered three times, separately (each parent, and a
    // grandparent); a four-year-old alone in between, and three more five-year-olds alone
    // (one child of a common age: no hint).
    join_with_ages(&app, 31, &["5", "4"]).await;
    join_aged(&app, 32, "4").await;
    join_with_ages(&app, 33, &["4", "5"]).await;
    join_with_ages(&app, 34, &["5", "4"]).await;
    for user in 35..=37 {
        join_aged(&app, user, "5").await;
    }
    let mut c = Chat::new(&app, COORD_TILLI, "en");
    let said = c.says("/demand").await;
    let list = said
        .buttons
        .iter()
        .find(|b| b.starts_with("📋 List: Hyvinkää"))
        .expect("the pool's list")
        .clone();
    let said = c.taps(&list).await;
    let text = &said.text;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(at("1. 2 children") < at("Parent 31"));
    assert!(at("Parent 31") < at("2. 2 children"));
    assert!(at("2. 2 children") < at("Parent 33"));
    assert!(at("3. 2 children") < at("Parent 34"));
    assert_eq!(
        text.matches("same children's ages as no. 1").count(),
        2,
        "{text}"
    );
    assert!(at("Parent 34") < at("4. 1 child (ages 4)"));
    assert!(at("4. 1 child (ages 4)") < at("Parent 32"));
    assert!(at("Parent 32") < at("5. 1 child (ages 5)"));
    assert_eq!(
        text.matches("same children's ages").count(),
        2,
        "only the two-child registrations are grouped: {text}"
    );
}

/// The index of each parent's families (`family_users`), by which a step finds a parent's
/// families without reading them all, equals the family records: checked by both ways of
/// finding them.
#[track_caller]
fn index_holds(store: &kokoon::store::Store, what: &str) {
    let families = store.families().expect("store");
    assert_eq!(
        store.family_index().expect("store"),
        store.family_index_of(&families),
        "{what}: the index"
    );
    for u in [AINO, BEN, CLAES] {
        let mut by_index: Vec<_> = store
            .families_with(UserId(u))
            .expect("store")
            .into_iter()
            .map(|f| f.id)
            .collect();
        let mut by_scan: Vec<_> = families
            .iter()
            .filter(|f| f.has(UserId(u)))
            .map(|f| f.id)
            .collect();
        by_index.sort();
        by_scan.sort();
        assert_eq!(by_index, by_scan, "{what}: the families of {u}");
    }
}

fn in_families(store: &kokoon::store::Store, user: u64) -> usize {
    store.families_with(UserId(user)).expect("store").len()
}

#[tokio::test]
async fn the_index_of_each_parents_families_stays_in_step_through_unlink_leave_forget_restart_and_retention(
) {
    let (app, clock, dir) = app_with_clock();
    {
        // A four-year-old, who still fits Tilli Toukka when retention ends the registration.
        let mut aino = join_aged(&app, AINO, "4").await;
        index_holds(&app.store, "registered");
        let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
        index_holds(&app.store, "a link out");
        let mut ben = ben_joins(&app, &start_of(&said.text), "Ben").await;
        index_holds(&app.store, "Ben joined");
        assert_eq!(
            (in_families(&app.store, AINO), in_families(&app.store, BEN)),
            (1, 1)
        );

        aino.says("/mine").await;
        aino.taps("Lopeta jakaminen").await;
        index_holds(&app.store, "Ben unlinked");
        assert_eq!(
            (in_families(&app.store, AINO), in_families(&app.store, BEN)),
            (1, 0)
        );

        aino.says("/mine").await;
        let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
        ben_joins(&app, &start_of(&said.text), "Ben").await;
        index_holds(&app.store, "Ben joined again");
        ben.says("/mine").await;
        ben.taps("Lähde pois").await.shows("Et ole enää mukana");
        index_holds(&app.store, "Ben left");
        assert_eq!(in_families(&app.store, BEN), 0);

        aino.says("/mine").await;
        let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
        ben_joins(&app, &start_of(&said.text), "Ben").await;
        aino.says("/forget").await;
        aino.taps("Kyllä, poista kaikki").await;
        index_holds(&app.store, "Aino forgot");
        assert_eq!(in_families(&app.store, AINO), 0);
        assert_eq!(
            app.store
                .registrations_of(UserId(BEN))
                .expect("store")
                .len(),
            1,
            "Ben holds the registration"
        );
    }
    let now = kokoon::clock::Clock::now(clock.as_ref());
    drop(app);

    // A restart: the index is read as it was written.
    let reopen = || {
        kokoon::store::Store::open_with(
            dir.path(),
            1 << 20,
            &crate::chat::test_key(),
            std::sync::Arc::new(crate::chat::example_config()),
        )
        .expect("the store reopens")
    };
    let store = reopen();
    index_holds(&store, "reopened");
    let before = store.family_index().expect("store");
    drop(store);

    // A store from before the index: built once, at open, from the family records.
    {
        let db = sled::open(dir.path()).expect("sled");
        db.open_tree("meta")
            .expect("meta")
            .remove("family-index")
            .expect("remove");
        db.open_tree("family_users")
            .expect("tree")
            .clear()
            .expect("clear");
        db.flush().expect("flush");
    }
    let store = reopen();
    assert_eq!(store.family_index().expect("store"), before, "built again");
    index_holds(&store, "built at open");

    // Retention ends Ben's registration, and the family with it: nobody is in any family.
    let policy = kokoon::store::Retention {
        renewal: None,
        ..kokoon::sender::retention(&crate::chat::example_config())
    };
    let year = now
        .checked_add_months(chrono::Months::new(12))
        .expect("date");
    store.apply_retention(&policy, year).await.expect("notice");
    let report = store
        .apply_retention(&policy, year + chrono::Duration::days(8))
        .await
        .expect("purge");
    assert_eq!(report.purged, 1, "{report:?}");
    assert!(store.families().expect("store").is_empty());
    index_holds(&store, "after retention");
    assert!(store.family_index().expect("store").is_empty());
}
