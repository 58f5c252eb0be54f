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

const AINO: u64 = 650_001;
const BEN: u64 = 650_002;
const CLAES: u64 = 650_003;

fn regs(app: &App) -> Vec<Registration> {
    app.store
        .all_registrations()
        .collect::<Result<_, _>>()
        .expect("store")
}

/// Demand in Tilli Toukka's Hyvinkää pool, as the counters keep it; checked against a recount.
fn demand(app: &App) -> Demand {
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

fn once() -> Demand {
    Demand {
        families: 1,
        participants: 1,
    }
}

/// The link in the reply, and its `/start` command.
fn start_of(text: &str) -> String {
    let at = text.find("?start=").expect("a link") + "?start=".len();
    let payload: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert!(payload.len() <= 64);
    format!("/start {payload}")
}

/// Aino registers and makes a link; the `/start` command of the link.
async fn aino_shares(app: &App) -> (Chat, String) {
    let mut aino = join_tilli(app, AINO, "Hyvinkää", true).await;
    assert!(aino.has_button("Anna linkki toiselle vanhemmalle"));
    let said = aino.taps("Anna linkki toiselle vanhemmalle").await;
    said.shows("toimii kerran ja 14 päivän ajan")
        .shows("Hän näkee lasten iät, ryhmän ja alueen")
        .offers("Peru linkki");
    let start = start_of(&said.text);
    (aino, start)
}

/// Ben opens the link and joins, adding weekends, sharing his name as `name`.
async fn ben_joins(app: &App, start: &str, name: &str) -> Chat {
    // His Telegram speaks Swedish; the link speaks the family's language.
    let mut ben = Chat::named(app, BEN, "sv", name);
    ben.says(start)
        .await
        .shows("on jakanut kanssasi ilmoittautumisen ryhmään Tilli Toukka")
        .shows("Lasten iät: 5")
        .offers("Hyväksyn tallennuksen");
    ben.taps("Hyväksyn tallennuksen")
        .await
        .shows("Voit valita ajat");
    ben.taps("Arkiaamupäivisin").await;
    ben.taps("Valmis").await;
    ben.taps("Kyllä, saa nähdä")
        .await
        .shows("Olet nyt mukana ilmoittautumisessa ryhmään Tilli Toukka");
    ben
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
        held[0].children,
        vec![5],
        "the children are readable for Ben"
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

/// Whether any value that the key and the keyring still open in the raw files holds `needle`.
fn readable(app: &App, needle: &str) -> bool {
    let scan = app.store.scan_files().expect("scan");
    assert!(scan.bytes > 0, "the scan read the files");
    scan.readable
        .iter()
        .any(|v| v.windows(needle.len()).any(|w| w == needle.as_bytes()))
}
