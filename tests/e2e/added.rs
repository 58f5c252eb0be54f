//! Families without Telegram (issue 14): a coordinator's `/add`, the family counted like any
//! other, its invitation and renewal question going to the coordinator who answers for it, and
//! nothing ever sent to its synthetic id.

use crate::chat::{app_with_clock, deliveries, join_tilli, Chat, Delivered};
use chrono::Duration;
use kokoon::clock::Clock;
use kokoon::domain::added::{ConsentHow, ADDED_BASE};
use kokoon::domain::audit::Accessed;
use kokoon::domain::{AreaId, GroupId, Lang, Pool, Registration, Status, UserId};
use kokoon::flow::View;

/// Tilli Toukka's coordinator (every area).
const COORD: u64 = 100_000_001;
/// The coordinator of every group (every area).
const COORD_ALL: u64 = 100_000_002;
/// Tilli Toukka's coordinator in Karkkila and Vihti only.
const COORD_AREAS: u64 = 100_000_003;

fn hyvinkaa_fi() -> Pool {
    Pool {
        group: GroupId::parse("tilli-toukka").expect("id"),
        area: AreaId::parse("hyvinkaa").expect("id"),
        lang: Some(Lang::Fi),
    }
}

fn added_by(app: &kokoon::app::App, who: u64) -> Vec<Registration> {
    app.store.added_by(UserId(who)).expect("store")
}

/// Whether no coordinator has added a family yet.
fn added_by_nobody(app: &kokoon::app::App) -> bool {
    [COORD, COORD_ALL, COORD_AREAS]
        .iter()
        .all(|who| added_by(app, *who).is_empty())
}

/// Nothing was ever addressed to a synthetic id.
#[track_caller]
fn none_to_a_family(sent: &[Delivered]) {
    for d in sent {
        assert!(d.to < ADDED_BASE, "sent to a synthetic id: {d:?}");
    }
}

fn to(sent: &[Delivered], user: u64) -> Vec<&Delivered> {
    sent.iter().filter(|d| d.to == user).collect()
}

/// The coordinator adds a family in Finnish: every question, Back keeping the answers, bad
/// input answered kindly.
async fn add_virtanen(app: &kokoon::app::App, c: &mut Chat) {
    c.says("/add")
        .await
        .shows("Lisäät perheen, joka ilmoittautui puhelimessa, paperilla tai kasvokkain.")
        .offers("Tilli Toukka")
        .offers("Peru");
    c.taps("Tilli Toukka")
        .await
        .shows("Missä kunnassa perhe voi osallistua?")
        .offers("Takaisin");
    c.taps("Hyvinkää")
        .await
        .shows("Millä kielellä perhe toivoo ryhmän kokoontuvan?");
    c.taps("suomi")
        .await
        .shows("Minkä ikäinen lapsi on? (4–6 v)");
    c.taps("5").await.shows("Lapset: 5 v.");
    c.taps("4").await.shows("Lapset: 5, 4 v.");
    // Back takes the last child out.
    c.taps("Takaisin").await.shows("Lapset: 5 v.");
    c.taps("Ei muita, jatketaan")
        .await
        .shows("Mitkä ajat sopivat perheelle?");
    c.taps("Arki-iltaisin").await.in_place();
    c.taps("Valmis")
        .await
        .shows("Miten perhe antoi suostumuksensa");
    c.taps("Puhelimessa").await.shows("Minä päivänä?");
    // Back to how: the answer is kept and can be kept as it is.
    c.taps("Takaisin")
        .await
        .shows("Miten perhe antoi suostumuksensa")
        .offers("Pidä ennallaan");
    c.taps("Pidä ennallaan").await.shows("Minä päivänä?");
    c.says("30.2.").await.shows("En tunnistanut päivää.");
    c.says("1.12.2026").await.shows("En tunnistanut päivää.");
    // The summary; the label comes last, and typing it saves the family.
    let said = c.taps("Eilen").await;
    said.shows("Tilli Toukka")
        .shows("Kunta: Hyvinkää")
        .shows("Ryhmän kieli: suomi")
        .shows("Sopivat ajat: Arki-iltaisin")
        .shows("Suostumus: Puhelimessa, 22.11.")
        .shows("Lapsen ikä: 5 v")
        .shows("Kutsut ja muut perheen viestit tulevat sinulle")
        .shows("Kirjoita lopuksi lyhyt tunniste, josta tunnistat perheen")
        .shows("Perhe tallentuu, kun lähetät tunnisteen.")
        .offers("Takaisin");
    assert!(
        !said.buttons.iter().any(|b| b == "Tallenna"),
        "a new family is saved by its label"
    );
    c.says(&"x".repeat(41))
        .await
        .shows("Kirjoita tunniste, 1–40 merkkiä.")
        .shows("Kunta: Hyvinkää");
    assert!(added_by_nobody(app), "nothing saved yet");
    let said = c.says("Virtanen,\u{202E} Kipinä").await;
    said.shows("Lisätty: Virtanen, Kipinä (Tilli Toukka, Hyvinkää). Perhe on nyt jonossa.");
    assert!(!said.text.contains('\u{202E}'), "{}", said.text);
}

/// A Finnish coordinator adds a family with one five-year-old to Tilli Toukka in Hyvinkää by
/// phone today, labelled `label`: the walkthrough other tests share.
pub(crate) async fn add_family(c: &mut Chat, label: &str) {
    let said = c.says("/add").await;
    if said.buttons.iter().any(|b| b == "➕ Lisää perhe") {
        c.taps("➕ Lisää perhe").await;
    }
    c.taps("Tilli Toukka").await;
    c.taps("Hyvinkää").await;
    c.taps("suomi").await;
    c.taps("5").await;
    c.taps("Ei muita, jatketaan").await;
    c.taps("Arki-iltaisin").await;
    c.taps("Valmis").await;
    c.taps("Puhelimessa").await;
    c.taps("Tänään").await;
    c.says(label).await.shows("Lisätty:");
}

#[tokio::test]
async fn a_family_added_by_hand_counts_is_invited_through_the_coordinator_and_withdrawn() {
    let (app, clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD, "fi");
    add_virtanen(&app, &mut c).await;

    // One registration under a synthetic id, marked as added, counted like any other.
    let added = added_by(&app, COORD);
    assert_eq!(added.len(), 1);
    let family = added[0].user;
    assert!(family.is_added(), "{family:?}");
    let mark = added[0].added.as_ref().expect("marked");
    assert_eq!(mark.label, "Virtanen, Kipinä");
    assert_eq!(mark.how, ConsentHow::Phone);
    assert_eq!(mark.on.to_string(), "2026-11-22");
    assert_eq!(
        kokoon::domain::child::ages_of(&added[0].children, clock.now()),
        vec![5]
    );
    assert_eq!(added[0].status, Status::Waiting);
    assert_eq!(app.store.demand(&hyvinkaa_fi()).participants, 1);
    // The coordinator's own data holds none of it.
    assert!(app
        .store
        .registrations_of(UserId(COORD))
        .expect("store")
        .is_empty());
    let said = c.says("/mydata").await;
    for f in &said.files {
        let text = String::from_utf8_lossy(&f.bytes);
        assert!(!text.contains("Virtanen"), "{text}");
    }

    // Saving it is in the access log, naming the coordinator, the group and the area only.
    let log = app
        .store
        .access_log(clock.now() - Duration::hours(1), clock.now())
        .expect("store");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].what, Accessed::Added);
    assert_eq!(log[0].who, UserId(COORD));
    assert_eq!(log[0].area, Some(hyvinkaa_fi().area));
    assert_eq!(log[0].people, 1);

    // /demand counts it like any other and says it was added by hand; the waiting list names
    // it by its label, marked as added.
    c.says("/demand")
        .await
        .shows("Hyvinkää 1/5 · 1 · 5")
        .shows("Lähde: lisätty käsin 1")
        .hides("Virtanen");
    c.taps("📋 Lista: Hyvinkää (suomi)")
        .await
        .shows("Virtanen, Kipinä (lisätty käsin)");

    // Nobody else may act for the family: another coordinator, one of other areas, a parent.
    let withdraw = format!("1:@:{}:my:tilli-toukka", family.0);
    for other in [COORD_ALL, COORD_AREAS, 5301] {
        let mut o = Chat::new(&app, other, "fi");
        let stale = o.presses_raw("1:zz").await.text;
        let said = o.presses_raw(&withdraw).await;
        assert_eq!(said.text, stale, "{other}");
        said.hides("Virtanen");
        let said = o
            .presses_raw(&format!("1:ae:{}:tilli-toukka", family.0))
            .await;
        assert_eq!(said.text, stale, "{other}");
    }
    // To a parent, /add is an unknown command and its buttons are stale.
    let mut p = Chat::new(&app, 5301, "fi");
    let unknown = p.says("/zzz").await.text;
    assert_eq!(p.says("/add").await.text, unknown);
    let stale = p.presses_raw("1:zz").await.text;
    for forged in ["1:a+", "1:as", "1:ah:p", "1:aw:0"] {
        assert_eq!(p.presses_raw(forged).await.text, stale, "{forged}");
    }
    // A coordinator of other areas adds only in theirs: Hyvinkää is not offered, nor taken.
    let mut k = Chat::new(&app, COORD_AREAS, "fi");
    k.says("/add")
        .await
        .hides("Virtanen")
        .offers("Tilli Toukka");
    k.taps("Tilli Toukka")
        .await
        .offers("Karkkila")
        .offers("Vihti")
        .hides("Hyvinkää");
    k.presses_raw("1:ar:hyvinkaa")
        .await
        .shows("Tuo painike on vanhasta viestistä.")
        .hides("Millä kielellä");
    k.taps("Peru")
        .await
        .shows("Keskeytetty. Mitään ei tallennettu.");
    assert_eq!(added_by(&app, COORD).len(), 1, "still there");
    assert!(added_by(&app, COORD_AREAS).is_empty());

    // Four parents more, and the group is launched in Hyvinkää.
    for user in 5301..5305 {
        join_tilli(&app, user, "Hyvinkää", false).await;
    }
    // With the family, five children: the threshold is reached and the coordinators alerted.
    assert_eq!(app.store.demand(&hyvinkaa_fi()).participants, 5);
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
    for coordinator in [COORD, COORD_ALL] {
        assert!(
            to(&sent, coordinator).iter().any(|d| d
                .text
                .contains("Tilli Toukka, Hyvinkää (suomi): kynnys täyttyi!")),
            "{coordinator}: {sent:#?}"
        );
    }
    assert!(
        to(&sent, COORD_AREAS).is_empty(),
        "not their area: {sent:#?}"
    );
    c.says("/demand")
        .await
        .shows("Hyvinkää 5/5 · 5")
        .shows("suora linkki 4, lisätty käsin 1");
    // The export counts it apart from those who came directly.
    let said = c.says("/export").await;
    let csv = String::from_utf8_lossy(&said.file.as_ref().expect("the CSV").bytes).into_owned();
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        header.ends_with(";Suoraan tulleita perheitä;Koordinaattorin lisäämiä perheitä"),
        "{header}"
    );
    let row = csv
        .lines()
        .find(|l| l.starts_with("Tilli Toukka;Hyvinkää;fi;"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(row.starts_with("Tilli Toukka;Hyvinkää;fi;5;5;5;"), "{row}");
    assert!(row.ends_with(";4;1"), "{row}");
    assert!(!csv.contains("Virtanen"), "{csv}");
    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 5/5").await;
    c.says("14.1. klo 17").await;
    c.says("90 min").await;
    c.says("Pikku-Veturi").await;
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
    // The family's invitation comes to the coordinator, neutral first, the label in the body.
    let mine: Vec<&Delivered> = to(&sent, COORD)
        .into_iter()
        .filter(|d| d.text.contains("Virtanen"))
        .collect();
    assert_eq!(mine.len(), 1, "{sent:#?}");
    let first = mine[0].text.lines().next().unwrap_or_default();
    assert!(
        !first.contains("Virtanen") && !first.contains("Tilli"),
        "{first}"
    );
    assert_eq!(first, "Viesti ilmoittautumisestasi");
    c.reads(mine[0])
        .shows("Perhe, jonka lisäsit: Virtanen, Kipinä")
        .shows("Pikku-Veturi")
        .offers("Kyllä, tulemme");
    c.taps("Kyllä, tulemme")
        .await
        .shows("Perhe, jonka lisäsit: Virtanen, Kipinä");
    let r = app
        .store
        .registrations_of(family)
        .expect("store")
        .pop()
        .expect("the family's registration");
    assert!(matches!(r.status, Status::Accepted { .. }), "{r:?}");
    // Answering for the family is in the access log too.
    let log = app
        .store
        .access_log(clock.now() - Duration::hours(1), clock.now())
        .expect("store");
    assert!(
        log.iter()
            .any(|a| a.what == Accessed::ForFamily && a.who == UserId(COORD)),
        "{log:?}"
    );
    // The coordinator is told of the answer, the family by its label.
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
    assert!(
        to(&sent, COORD)
            .iter()
            .any(|d| d.text.contains("Virtanen, Kipinä (lisätty käsin)")),
        "{sent:#?}"
    );

    // A day before the meeting the reminder, too, comes to the coordinator.
    clock.advance(Duration::days(51) + Duration::hours(8));
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
    assert!(
        to(&sent, COORD)
            .iter()
            .any(|d| d.text.contains("Perhe, jonka lisäsit: Virtanen, Kipinä")),
        "{sent:#?}"
    );

    // At the meeting the coordinator marks who came: the family by its label, marked as
    // added by hand (not "family 5").
    clock.advance(Duration::hours(24) + Duration::minutes(30));
    deliveries(&app).await;
    let menu = c.says("/attendance").await;
    let meeting = menu
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · 14.1. ("))
        .expect("the first meeting")
        .clone();
    c.taps(&meeting)
        .await
        .offers("⬜ Virtanen, Kipinä (lisätty käsin)");
    c.taps("⬜ Virtanen, Kipinä (lisätty käsin)")
        .await
        .offers("✅ Virtanen, Kipinä (lisätty käsin)");
    // A facilitator of the group sees the family by its number, marked as added by hand: the
    // label is the coordinators' only.
    c.says("/facilitators").await;
    c.taps("Kutsu ohjaaja").await;
    c.taps("Tilli Toukka").await;
    let link = c.taps("Tee kutsulinkki").await.text;
    let at = link.find("?start=").expect("a link") + "?start=".len();
    let payload: String = link[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut f = Chat::new(&app, 5001, "fi");
    f.says(&format!("/start {payload}")).await;
    f.says("Olli Ohjaaja").await;
    f.taps("Hyväksyn tallennuksen").await;
    f.says("/attendance").await;
    let list = f.taps(&meeting.replace("(0/", "(1/")).await;
    list.hides("Virtanen");
    let added: Vec<&String> = list
        .buttons
        .iter()
        .filter(|b| b.ends_with("(lisätty käsin)"))
        .collect();
    assert_eq!(added.len(), 1, "{:?}", list.buttons);
    assert!(added[0].starts_with("✅ perhe "), "{}", added[0]);

    // The coordinator withdraws the family from /add.
    c.says("/add")
        .await
        .shows("Virtanen, Kipinä · Tilli Toukka, Hyvinkää · tulossa")
        .offers("➕ Lisää perhe");
    c.taps("Peru: Virtanen, Kipinä")
        .await
        .shows("Perhe, jonka lisäsit: Virtanen, Kipinä")
        .offers("Kyllä, peru");
    c.taps("Kyllä, peru").await.shows("on peruttu");
    assert!(app
        .store
        .registrations_of(family)
        .expect("store")
        .is_empty());
    assert!(added_by(&app, COORD).is_empty());
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
}

#[tokio::test]
async fn a_swedish_coordinator_adds_changes_and_renews_a_family_for_it() {
    let (app, clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD_ALL, "sv");
    c.says("/add").await.shows(
        "Du lägger till en familj som anmälde sig per telefon, på papper eller personligen.",
    );
    c.taps("Tilli Toukka")
        .await
        .shows("I vilken kommun kan familjen delta?");
    c.taps("Borgå").await;
    c.taps("svenska")
        .await
        .shows("Hur gammalt är barnet? (4–6 år)");
    // Six today, seven by the group's expected start (born in January, as far as a tapped
    // age tells); born in October, six then.
    c.says("sex")
        .await
        .shows("Barnet har inte den här gruppens ålder när gruppen kunde börja.")
        .shows("Hur gammalt är barnet?");
    c.says("10/2020").await.shows("Barn: 6 år.");
    c.taps("Inga fler, fortsätt").await;
    c.taps("Vardagskvällar").await;
    c.taps("Klar").await;
    c.taps("På papper").await.shows("Vilken dag?");
    c.says("20.11.")
        .await
        .shows("Samtycke: På papper, 20.11")
        .shows("Skriv till sist en kort beteckning");
    c.says("Lindqvist").await.shows("Tillagd: Lindqvist");
    let added = added_by(&app, COORD_ALL);
    assert_eq!(added.len(), 1);
    let family = added[0].user;

    // Changed from /add: the summary, Back to the times, another time.
    c.says("/add")
        .await
        .shows("Lindqvist · Tilli Toukka, Borgå · i kö");
    c.taps("Ändra: Lindqvist")
        .await
        .shows("Beteckning: Lindqvist")
        .shows("Spara, eller skriv en ny beteckning")
        .offers("Spara");
    c.taps("Tillbaka")
        .await
        .shows("Vilken dag?")
        .offers("Behåll som det är");
    c.taps("Tillbaka").await;
    c.taps("Tillbaka")
        .await
        .shows("Vilka tider passar familjen?");
    c.taps("Vardagsförmiddagar").await;
    c.taps("Klar").await;
    c.taps("Behåll som det är").await;
    c.taps("Behåll som det är").await.offers("Spara");
    c.taps("Spara").await.shows("Sparat: Lindqvist");
    // A new label typed at the summary saves the changes with it.
    c.says("/add").await;
    c.taps("Ändra: Lindqvist").await;
    c.says("Lindqvist, Borgå")
        .await
        .shows("Sparat: Lindqvist, Borgå");
    let r = app
        .store
        .registrations_of(family)
        .expect("store")
        .pop()
        .expect("kept");
    assert_eq!(r.times.len(), 2, "{r:?}");
    assert_eq!(r.user, family, "the same family");

    // Four months on, the question whether the family is still interested comes to the
    // coordinator, who answers for it.
    clock.advance(Duration::days(125));
    kokoon::sender::housekeeping(&app).await.expect("store");
    let sent = deliveries(&app).await;
    none_to_a_family(&sent);
    let asked: Vec<&Delivered> = to(&sent, COORD_ALL)
        .into_iter()
        .filter(|d| d.text.contains("Lindqvist"))
        .collect();
    assert_eq!(asked.len(), 1, "{sent:#?}");
    assert_eq!(
        asked[0].text.lines().next().unwrap_or_default(),
        "Ett meddelande om din anmälan"
    );
    c.reads(asked[0])
        .shows("Familjen som du lade till: Lindqvist")
        .offers("Jag är fortfarande intresserad");
    c.taps("Jag är fortfarande intresserad")
        .await
        .shows("Familjen som du lade till: Lindqvist");
    let r = app
        .store
        .registrations_of(family)
        .expect("store")
        .pop()
        .expect("kept");
    assert_eq!(r.renewal_asked, None, "answered");
    assert!(r.renewed_at.is_some());
}

/// A child of a family added by hand grows out of Tilli Toukka: the coordinator gets the
/// family's notice with the buttons a parent's own has, for the groups that fit now — each
/// adds the family there, with the answers that still hold (area, language, times, how and
/// when the family consented) and the child's age still to give.
#[tokio::test]
async fn a_coordinator_adds_a_family_whose_child_grew_to_the_group_that_fits_now() {
    let (app, clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/add").await;
    c.taps("Tilli Toukka").await;
    c.taps("Hyvinkää").await;
    c.taps("suomi").await;
    // Six, born in May: still six when a group gathered now could start.
    c.says("5/2020").await.shows("Lapset: 6 v.");
    c.taps("4").await.shows("Lapset: 6, 4 v.");
    c.taps("Ei muita, jatketaan").await;
    c.taps("Arki-iltaisin").await;
    c.taps("Valmis").await;
    c.taps("Puhelimessa").await;
    c.taps("Tänään").await;
    c.says("Virtanen").await.shows("Lisätty:");
    let family = added_by(&app, COORD)[0].user;
    deliveries(&app).await;

    // A year on, the daily job: the older child leaves Tilli Toukka, the younger stays.
    let year = clock
        .now()
        .checked_add_months(chrono::Months::new(12))
        .expect("date");
    clock.set(year);
    // The daily job runs after the round's deliveries: what it queued goes in the next.
    let mut sent = deliveries(&app).await;
    sent.extend(deliveries(&app).await);
    none_to_a_family(&sent);
    let notice: Vec<&Delivered> = to(&sent, COORD)
        .into_iter()
        .filter(|d| d.text.contains("Lapsesi on kasvanut"))
        .collect();
    assert_eq!(notice.len(), 1, "{sent:#?}");
    assert!(notice[0].text.contains("Virtanen"), "{}", notice[0].text);
    let said = c.reads(notice[0]);
    said.offers("Lisää perhe ryhmään: Eroperheiden koululaisten ryhmä");
    assert!(
        !said.buttons.iter().any(|b| b.starts_with("Ilmoittaudu")),
        "not the coordinator's own registration: {:?}",
        said.buttons
    );

    // The button: /add for the school-age group, from the child's age.
    c.taps("Lisää perhe ryhmään: Eroperheiden koululaisten ryhmä")
        .await
        .shows("Minkä ikäinen lapsi on? (7–10 v)");
    c.taps("7").await;
    c.taps("Ei muita, jatketaan")
        .await
        .shows("Mitkä ajat sopivat perheelle?");
    c.taps("Valmis")
        .await
        .shows("Miten perhe antoi suostumuksensa")
        .offers("Pidä ennallaan");
    c.taps("Pidä ennallaan").await.offers("Pidä ennallaan");
    c.taps("Pidä ennallaan")
        .await
        .shows("Eroperheiden koululaisten ryhmä")
        .shows("Kunta: Hyvinkää")
        .shows("Ryhmän kieli: suomi")
        .shows("Sopivat ajat: Arki-iltaisin")
        .shows("Suostumus: Puhelimessa, 23.11.2026")
        .shows("Lapsen ikä: 7 v");
    c.says("Virtanen, koululainen").await.shows("Lisätty:");
    let added = added_by(&app, COORD);
    let first = added
        .iter()
        .find(|r| r.user == family)
        .expect("the first stays");
    let school = added
        .iter()
        .find(|r| r.group.as_str() == "koululaiset")
        .expect("added to the school-age group");
    assert_eq!(
        kokoon::domain::child::ages_of(&first.children, clock.now()),
        vec![5]
    );
    let (a, b) = (
        first.added.as_ref().expect("marked"),
        school.added.as_ref().expect("marked"),
    );
    assert_eq!((a.how, a.on), (b.how, b.on), "the same consent");
    assert_eq!(school.status, Status::Waiting);

    // Another coordinator, or a forged id, gets nothing from the button.
    let data = format!("1:ag:{}:koululaiset", family.0);
    let mut o = Chat::new(&app, COORD_ALL, "fi");
    let stale = o.presses_raw("1:zz").await.text;
    assert_eq!(o.presses_raw(&data).await.text, stale);
    assert_eq!(c.presses_raw("1:ag:5:koululaiset").await.text, stale);
}

/// A family added by hand whose only child grows out of Tilli Toukka while waiting: the
/// coordinator who added it is told once (nobody else, nothing to the family's synthetic id),
/// neutrally first, in their own language, with the family's label and what to tell the
/// family — the groups that fit the child now, each a button that adds the family there. The
/// family no longer counts; its registration waits for the coordinator to withdraw it (or
/// add the family where it fits), so the label is there for the notice. A family of two
/// children, the older growing out, stays for the younger; its coordinator is told once too.
#[tokio::test]
async fn the_coordinator_is_told_once_when_every_child_of_a_family_they_added_grows_out() {
    let (app, clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD, "fi");
    add_family(&mut c, "Virtanen").await;
    c.says("/add").await;
    c.taps("➕ Lisää perhe").await;
    c.taps("Tilli Toukka").await;
    c.taps("Hyvinkää").await;
    c.taps("suomi").await;
    c.taps("5").await;
    c.taps("4").await;
    c.taps("Ei muita, jatketaan").await;
    c.taps("Arki-iltaisin").await;
    c.taps("Valmis").await;
    c.taps("Puhelimessa").await;
    c.taps("Tänään").await;
    c.says("Laine").await.shows("Lisätty:");
    deliveries(&app).await;
    let waiting = |app: &kokoon::app::App| {
        app.store
            .demand_in(&hyvinkaa_fi())
            .expect("store")
            .participants
    };
    assert_eq!(waiting(&app), 3);

    // A year on, the daily job.
    let year = clock
        .now()
        .checked_add_months(chrono::Months::new(12))
        .expect("date");
    clock.set(year);
    let mut sent = deliveries(&app).await;
    sent.extend(deliveries(&app).await);
    none_to_a_family(&sent);
    assert!(to(&sent, COORD_ALL).is_empty(), "{sent:#?}");
    assert!(to(&sent, COORD_AREAS).is_empty(), "{sent:#?}");
    let grown: Vec<&Delivered> = to(&sent, COORD)
        .into_iter()
        .filter(|d| d.text.contains("Lapsesi on kasvanut"))
        .collect();
    assert_eq!(grown.len(), 2, "one notice per family: {sent:#?}");
    let virtanen = grown
        .iter()
        .find(|d| d.text.contains("Virtanen"))
        .unwrap_or_else(|| panic!("{sent:#?}"));
    assert!(
        virtanen.text.starts_with("Viesti ilmoittautumisestasi"),
        "{}",
        virtanen.text
    );
    assert!(
        virtanen
            .text
            .contains("Perheen ilmoittautuminen ryhmään Tilli Toukka ei ole enää jonossa"),
        "{}",
        virtanen.text
    );
    let laine = grown
        .iter()
        .find(|d| d.text.contains("Laine"))
        .unwrap_or_else(|| panic!("{sent:#?}"));
    assert!(
        laine.text.contains("jatkuu muiden lasten osalta"),
        "{}",
        laine.text
    );
    // Only the younger of Laine's children counts now; Virtanen's child no longer does.
    assert_eq!(waiting(&app), 1);
    let virtanens = added_by(&app, COORD)
        .into_iter()
        .find(|r| r.added.as_ref().is_some_and(|a| a.label == "Virtanen"))
        .expect("kept for the coordinator");
    assert!(
        matches!(virtanens.status, Status::Paused { .. }),
        "{:?}",
        virtanens.status
    );

    // Told once: daily jobs on the days after, nothing new — nor a retention notice asking
    // whether the family is still interested (a year old, it would be due), whose button
    // could not keep a registration that nothing can take up again: retention ends it.
    for _ in 0..5 {
        clock.advance(Duration::days(1));
        let again = deliveries(&app).await;
        assert!(
            !again
                .iter()
                .any(|d| d.text.contains("Lapsesi on kasvanut") || d.text.contains("poistetaan")),
            "{again:#?}"
        );
    }

    // /add says where the family stands; the notice's buttons add it where it fits, or
    // withdraw it.
    c.says("/add")
        .await
        .shows("Virtanen · Tilli Toukka, Hyvinkää · lapsi kasvoi ryhmästä");
    let said = c.reads(virtanen);
    said.offers("Lisää perhe ryhmään: Eroperheiden koululaisten ryhmä")
        .offers("Peru ilmoittautuminen");
    c.taps("Lisää perhe ryhmään: Eroperheiden koululaisten ryhmä")
        .await
        .shows("Minkä ikäinen lapsi on? (7–10 v)");
    c.says("/cancel").await;
    c.reads(virtanen);
    c.taps("Peru ilmoittautuminen").await;
    c.taps("Kyllä, peru").await.shows("on peruttu");
    assert!(
        !added_by(&app, COORD)
            .iter()
            .any(|r| r.added.as_ref().is_some_and(|a| a.label == "Virtanen")),
        "withdrawn"
    );
    let laines = added_by(&app, COORD)
        .into_iter()
        .find(|r| r.added.as_ref().is_some_and(|a| a.label == "Laine"))
        .expect("Laine's stays");
    assert_eq!(
        kokoon::domain::child::ages_of(&laines.children, clock.now()),
        vec![5],
        "for the younger child"
    );
}
