//! A parent's private note to the coordinator (issue 14, "Both parents, one child"): one
//! optional question at the end of a registration, sealed with it, shown only to the
//! coordinators who see its pool, in `/mine` and `/mydata`, changed or removed by editing.

use crate::chat::{app, Chat};
use kokoon::domain::UserId;

/// The group's coordinator (every area of Tilli Toukka).
const COORD_TILLI: u64 = 100_000_001;
/// A coordinator of Tilli Toukka in Karkkila and Vihti only.
const COORD_AREAS: u64 = 100_000_003;

/// The registration's note as stored.
fn stored_note(app: &kokoon::app::App, user: u64) -> Option<String> {
    app.store
        .registrations_of(UserId(user))
        .expect("store")
        .first()
        .and_then(|r| r.note.clone())
}

#[tokio::test]
async fn a_parent_leaves_the_coordinator_a_private_note_seen_only_by_its_coordinators() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 5101, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Ei, kiitos")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?")
        .shows("Vain ryhmän koordinaattori näkee sen.")
        .offers("Ohita")
        .offers("Takaisin");
    // Too long: told how long it may be, and asked again; nothing of it is kept.
    let long = "a".repeat(501);
    p.says(&long)
        .await
        .shows("Viesti on vähän liian pitkä (501 merkkiä). Kirjoita enintään 500 merkkiä.")
        .shows("Haluatko vielä kertoa koordinaattorille jotain?")
        .hides(&long);
    // Invisible controls are taken out, as from every text shown to someone else.
    let said = p.says("Ei samaan ryhmään kuin\u{202E} Matti M.").await;
    said.shows("Viesti koordinaattorille: Ei samaan ryhmään kuin Matti M.")
        .shows("Lapsen ikä: 5 v")
        .offers("Vahvista");
    assert!(!said.text.contains('\u{202E}'), "{}", said.text);
    p.taps("Vahvista").await.shows("on tallennettu");
    assert_eq!(
        stored_note(&app, 5101).as_deref(),
        Some("Ei samaan ryhmään kuin Matti M.")
    );
    p.says("/mine")
        .await
        .shows("Viesti koordinaattorille: Ei samaan ryhmään kuin Matti M.");

    // Another parent of the same pool never sees it.
    let mut other = crate::chat::join_tilli(&app, 5102, "Hyvinkää", true).await;
    other.says("/mine").await.hides("Matti");

    // The group's coordinator: not in the figures of /demand, but in the waiting list.
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/demand").await.hides("Matti");
    c.taps("📋 Lista: Hyvinkää (suomi)")
        .await
        .shows("Viesti koordinaattorille: Ei samaan ryhmään kuin Matti M.");
    // A coordinator of other areas gets nothing, not even with a forged button.
    let mut k = Chat::new(&app, COORD_AREAS, "fi");
    let stale = k.presses_raw("1:zz").await.text;
    let said = k.presses_raw("1:pl:tilli-toukka:hyvinkaa:fi").await;
    assert_eq!(said.text, stale);
    said.hides("Matti");

    // /mydata has it, as text and in the JSON document.
    let said = p.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(
        text.contains("Viesti koordinaattorille: Ei samaan ryhmään kuin Matti M."),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("JSON");
    assert_eq!(
        json["registrations"][0]["note"],
        "Ei samaan ryhmään kuin Matti M."
    );

    // The parent removes it by editing; the list no longer shows it.
    p.says("/mine").await;
    p.taps("Muuta vastauksia").await;
    p.taps("Muuta").await;
    p.taps("Viesti koordinaattorille")
        .await
        .shows("Viesti koordinaattorille: Ei samaan ryhmään kuin Matti M.")
        .shows("Kirjoita uusi viesti tai poista tämä.")
        .offers("Poista viesti");
    p.taps("Poista viesti")
        .await
        .hides("Viesti koordinaattorille")
        .offers("Vahvista");
    p.taps("Vahvista").await.shows("on päivitetty");
    assert_eq!(stored_note(&app, 5101), None);
    c.says("/demand").await;
    c.taps("📋 Lista: Hyvinkää (suomi)")
        .await
        .hides("Viesti koordinaattorille");
}

#[tokio::test]
async fn a_swedish_parent_writes_a_note_goes_back_and_changes_it() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 5201, "sv");
    p.says("/start tilli-toukka").await;
    p.taps("Jag godkänner").await;
    p.taps("5").await;
    p.taps("Inga fler, fortsätt").await;
    p.taps("Borgå").await;
    p.taps("svenska").await;
    p.taps("Vardagskvällar").await;
    p.taps("Klar").await;
    p.taps("Nej tack")
        .await
        .shows("Vill du berätta något mer för koordinatorn?")
        .offers("Hoppa över");
    // Back from the note is the question before it.
    p.taps("Tillbaka")
        .await
        .shows("Får koordinatorn och gruppens ledare se ditt namn");
    p.taps("Nej tack")
        .await
        .shows("Vill du berätta något mer för koordinatorn?");
    p.says("Hon är blyg i början.")
        .await
        .shows("Meddelande till koordinatorn: Hon är blyg i början.")
        .offers("Bekräfta");
    // Changed from the summary: the question shows the note, a new one replaces it.
    p.taps("Ändra").await;
    p.taps("Meddelande till koordinatorn")
        .await
        .shows("Meddelande till koordinatorn: Hon är blyg i början.")
        .offers("Ta bort meddelandet");
    p.says("Hon är blyg i början, men trivs snart.")
        .await
        .shows("Meddelande till koordinatorn: Hon är blyg i början, men trivs snart.");
    p.taps("Bekräfta").await.shows("är sparad");
    assert_eq!(
        stored_note(&app, 5201).as_deref(),
        Some("Hon är blyg i början, men trivs snart.")
    );
    // Skipped, nothing is stored.
    let mut q = Chat::new(&app, 5202, "sv");
    q.says("/start tilli-toukka").await;
    q.taps("Jag godkänner").await;
    q.taps("5").await;
    q.taps("Inga fler, fortsätt").await;
    q.taps("Borgå").await;
    q.taps("svenska").await;
    q.taps("Vardagskvällar").await;
    q.taps("Klar").await;
    q.taps("Ja, det får hen").await;
    q.taps("Hoppa över")
        .await
        .hides("Meddelande till koordinatorn")
        .offers("Bekräfta");
    q.taps("Bekräfta").await.shows("är sparad");
    assert_eq!(stored_note(&app, 5202), None);
}
