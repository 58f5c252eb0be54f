//! Children grow (issue 14), as a story on a manual clock, in process. In March 2026 Ville
//! registers a six-year-old and a four-year-old for Tilli Toukka (4–6), and Sara, in Swedish,
//! types her child's birth date (March 2020). Kalle types a birth date too, first wrongly, then
//! April 2019: six today, but seven before a group could start (the three-month horizon), so he
//! is told kindly and offered the school-age group, which he takes. A year later the daily job
//! takes the children who grew out of Tilli Toukka out of its count: Ville's registration stays
//! for his younger child, Sara's ends, and each parent is told once, neutrally first, with the
//! groups that fit now. Tiina's `/demand` shows the ages of the day. After every step the
//! demand counters equal a recount from the registrations.
//!
//! Every person's transcript is compared with `tests/e2e/families/<who>.txt`;
//! `KOKOON_BLESS=1 cargo test --test e2e growth` writes them anew: read the diff.

use crate::in_process::{helsinki, spawn_app_with, TestApp};
use crate::renewal::{compare, counts_hold};
use chrono::{Duration, Months};
use kokoon::domain::child::ages_of;
use kokoon::domain::UserId;

const TIINA: i64 = 100_000_001;
const VILLE: i64 = 650_001;
const SARA: i64 = 650_002;
const KALLE: i64 = 650_003;

/// Each of the user's registrations as its group and the children's ages today.
fn registered(t: &TestApp, user: i64) -> Vec<(String, Vec<u8>)> {
    t.app
        .store
        .registrations_of(UserId(user as u64))
        .expect("store")
        .iter()
        .map(|r| (r.group.to_string(), ages_of(&r.children, t.now())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_who_grow_out_of_a_group_leave_its_count_and_their_parents_are_told_once() {
    let t = spawn_app_with(
        crate::in_process::example_config(),
        helsinki("2026-03-02 12:00"),
    )
    .await;
    let start = t.now();
    let mut failures: Vec<String> = Vec::new();
    let mut check = |ok: Result<(), String>, what: &str| {
        if let Err(e) = ok {
            failures.push(format!("{what}: {e}"));
        }
    };
    let expect = |ok: bool, what: String| ok.then_some(()).ok_or(what);

    // Ville: a six-year-old and a four-year-old, with the age buttons.
    let ville = t.user(VILLE, "Ville", "fi");
    ville.says("/start tilli-toukka").await;
    ville.taps("Hyväksyn tallennuksen").await;
    ville.taps("6").await;
    ville.taps("Lisää lapsi").await;
    ville.taps("4").await;
    ville.taps("Ei muita, jatketaan").await;
    ville.taps("Hyvinkää").await;
    ville.taps("suomi").await;
    ville.taps("Arki-iltaisin").await;
    ville.taps("Valmis").await;
    ville.taps("Kyllä, saa nähdä").await;
    ville.taps("Ohita").await;
    ville.taps("Vahvista").await;
    check(counts_hold(&t), "after Ville");

    // Sara, in Swedish: the birth date typed.
    let sara = t.user(SARA, "Sara", "sv");
    sara.says("/start tilli-toukka").await;
    sara.taps("Jag godkänner").await;
    sara.says("mars 2020").await;
    sara.taps("Inga fler, fortsätt").await;
    sara.taps("Hyvinge").await;
    sara.taps("svenska").await;
    sara.taps("Vardagskvällar").await;
    sara.taps("Klar").await;
    sara.taps("Ja, det får hen").await;
    sara.taps("Hoppa över").await;
    sara.taps("Bekräfta").await;
    check(counts_hold(&t), "after Sara");
    check(
        expect(
            registered(&t, SARA) == vec![("tilli-toukka".to_owned(), vec![6])],
            format!("Sara has {:?}", registered(&t, SARA)),
        ),
        "Sara's child, six",
    );

    // Kalle: a typo, a date still to come, then a child who turns seven in April.
    let kalle = t.user(KALLE, "Kalle", "fi");
    kalle.says("/start tilli-toukka").await;
    kalle.taps("Hyväksyn tallennuksen").await;
    kalle.says("13/2019").await;
    kalle.says("5/2030").await;
    kalle.says("huhtikuu 2019").await;
    kalle
        .taps("Ilmoittaudu: Eroperheiden koululaisten ryhmä")
        .await;
    kalle.taps("Ei muita, jatketaan").await;
    kalle.taps("Hyvinkää").await;
    kalle.taps("suomi").await;
    kalle.taps("Arki-iltaisin").await;
    kalle.taps("Valmis").await;
    kalle.taps("Ei, kiitos").await;
    kalle.taps("Ohita").await;
    kalle.taps("Vahvista").await;
    check(
        expect(
            registered(&t, KALLE) == vec![("koululaiset".to_owned(), vec![6])],
            format!("Kalle has {:?}", registered(&t, KALLE)),
        ),
        "Kalle's child in the school-age group",
    );
    check(counts_hold(&t), "after Kalle");
    let tiina = t.user(TIINA, "Tiina", "fi");
    tiina.says("/demand").await;

    // A year on, the daily job: the children who grew out of Tilli Toukka leave it.
    let year = start.checked_add_months(Months::new(12)).expect("date");
    t.clock.set(year);
    t.settle().await;
    check(
        expect(
            registered(&t, VILLE) == vec![("tilli-toukka".to_owned(), vec![5])],
            format!("Ville has {:?}", registered(&t, VILLE)),
        ),
        "Ville's younger child stays",
    );
    check(
        expect(
            registered(&t, SARA).is_empty(),
            format!("Sara has {:?}", registered(&t, SARA)),
        ),
        "Sara's registration ended",
    );
    check(
        expect(
            registered(&t, KALLE) == vec![("koululaiset".to_owned(), vec![7])],
            format!("Kalle has {:?}", registered(&t, KALLE)),
        ),
        "Kalle's child fits the school-age group",
    );
    check(counts_hold(&t), "after the year");
    // (The year also brought the question whether they are still interested: not counted here.)
    let grown = |who: i64| -> Vec<String> {
        t.unasked(who)
            .into_iter()
            .map(|m| m.text)
            .filter(|m| m.contains("Lapsesi on kasvanut") || m.contains("Ditt barn har vuxit"))
            .collect()
    };
    for (who, first) in [
        (VILLE, "Viesti ilmoittautumisestasi"),
        (SARA, "Ett meddelande om din anmälan"),
    ] {
        let told = grown(who);
        check(
            expect(
                told.len() == 1 && told[0].starts_with(first),
                format!("{who} got {told:?}"),
            ),
            "told once, neutrally first",
        );
    }
    check(
        expect(grown(KALLE).is_empty(), "Kalle told".to_owned()),
        "Kalle's child still fits",
    );
    // The next day: nothing more.
    t.clock.set(year + Duration::days(1));
    t.settle().await;
    check(
        expect(
            grown(VILLE).len() == 1 && grown(SARA).len() == 1,
            "told twice".to_owned(),
        ),
        "told once",
    );
    check(counts_hold(&t), "the next day");
    tiina.says("/demand").await;
    ville.says("/mine").await;

    for (name, who) in [
        ("growth-ville-fi", VILLE),
        ("growth-sara-sv", SARA),
        ("growth-kalle-fi", KALLE),
        ("growth-tiina-fi", TIINA),
    ] {
        if let Some(diff) = compare(name, &t.transcript(who)) {
            failures.push(diff);
        }
    }
    t.stop().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
