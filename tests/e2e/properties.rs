//! Property tests: random conversations of several parents and both coordinators of the example
//! config, run through the whole app (engine, sled store, sender), with a manual clock that moves
//! on now and then. After every step, every reply and every delivered message is checked as
//! Telegram would take it (valid HTML of `<b>`/`<i>` only, parts of at most 4096 UTF-16 units,
//! callback data of 1–64 bytes, non-empty labels), nobody but a coordinator sees a coordinator's
//! data, nobody is shown the link of a launch's meeting they may not see, and the store holds
//! together: demand counters add up to the waiting registrations, statuses agree with the
//! launches' invitations, no launch holds more seats than it has, a launch's meeting has only
//! families who accepted as attendees, and nobody waits for an event with a free seat.
//!
//! Four mixes of inputs: a crowd doing everything, deep walks through registrations and
//! launches, coordinators making events, launching and broadcasting while parents sign up,
//! answer and follow links, and the lives of families over months (issue 14: registering with
//! ages or typed birth dates, withdrawing, not answering whether still interested and so
//! paused, continuing, children growing out of their groups). The demand counters, with every
//! breakdown, equal a recount from the registrations after every step, paused ones apart.
//!
//! A third property mutates the example config and checks that parsing never panics and that every
//! error names the file; a fourth gives the Telegram adapter's `split_text` long HTML and checks
//! that every part can be sent.
//!
//! `PROPTEST_CASES=5000 cargo test properties` runs longer. A failing case is printed minimised;
//! keep it as a named test below before fixing what it found.

use crate::chat::example_config;
use kokoon::app::App;
use kokoon::clock::ManualClock;
use kokoon::config::Config;
use kokoon::domain::event::{Access, Asker, Visibility};
use kokoon::domain::remit::Scope;
use kokoon::domain::{
    Answer, AreaId, Demand, GroupId, Lang, Pool, PoolStats, Registration, Rules, Status, UserId,
};
use kokoon::flow::events::{DraftStep, EventAction, EventField, ManageAction};
use kokoon::flow::{AddStep, Arg, Attachment, Callback, Field, Input, Person, Reply, State, Step};
use kokoon::i18n::{I18n, Markup};
use kokoon::sender::{Deliver, DeliveryError};
use kokoon::store::Store;
use kokoon::telegram::{split_text, visible_len, MAX_TEXT};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestError, TestRunner};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const COORD_TILLI: u64 = 100_000_001;
const COORD_ALL: u64 = 100_000_002;
/// Who takes part: both coordinators, then parents.
const USERS: [u64; 7] = [COORD_TILLI, COORD_ALL, 1001, 1002, 1003, 1004, 1005];
const FILE: &str = "config/kokoon.toml";
const GROUPS: [&str; 4] = [
    "tilli-toukka",
    "koululaiset",
    "eron-edessa",
    "yhteinen-vanhemmuus",
];

/// Texts only coordinators may ever see (from the coordinator-only messages, in fi, sv and en).
/// None of them occurs in any message or config text a parent can be shown.
const COORDINATOR_MARKERS: [&str; 21] = [
    "· ryhmä voi alkaa, kun ",
    "· gruppen kan starta när det finns ",
    "· the group can start with ",
    "ilmoittautumisjärjestyksessä",
    "i anmälningsordning",
    "waiting families in registration order",
    "Minkä ryhmän käynnistät",
    "Vilken grupp startar du",
    "Which group are you launching",
    "Kutsu lähtee",
    "Inbjudan går till",
    "Invitations go to",
    "kynnys täyttyi",
    "tröskeln är nådd",
    "the threshold is reached",
    "Koordinaattorille",
    "För koordinatorer",
    "For coordinators",
    "/demand",
    "CSV",
    "QR",
];

// ---- the app under test ----

struct Shared {
    config: Arc<Config>,
    i18n: Arc<I18n>,
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| Shared {
        config: Arc::new(example_config()),
        i18n: Arc::new(I18n::new().expect("locales load")),
    })
}

/// An app on a fresh store; in memory-backed `/dev/shm` where there is one, so that the flush
/// after every step costs nothing and a few thousand steps stay fast.
fn fresh_app() -> (App, Arc<ManualClock>, tempfile::TempDir) {
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).or_else(|_| tempfile::tempdir())
    } else {
        tempfile::tempdir()
    }
    .expect("temp dir");
    let s = shared();
    let store = Store::open_with(
        dir.path(),
        1 << 20,
        &crate::chat::test_key(),
        s.config.clone(),
    )
    .expect("the store opens");
    let clock = Arc::new(ManualClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .expect("time")
            .into(),
    ));
    let app = App {
        config: s.config.clone().into(),
        store,
        i18n: s.i18n.clone(),
        clock: clock.clone(),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    };
    (app, clock, dir)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn runner(default_cases: u32, regressions: Option<&'static str>) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default_cases);
    TestRunner::new(RunnerConfig {
        cases,
        // Failures are kept as named tests in this file; a property whose failing cases are
        // long walks keeps their seeds too (in `regressions`, run first every time).
        failure_persistence: regressions.map(|path| {
            Box::new(proptest::test_runner::FileFailurePersistence::Direct(path))
                as Box<dyn proptest::test_runner::FailurePersistence>
        }),
        ..RunnerConfig::default()
    })
}

fn run_property<S: Strategy>(
    name: &str,
    default_cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    run_property_kept(name, default_cases, None, strategy, test);
}

/// [`run_property`], keeping the seeds of failing cases in `regressions` (when given), which
/// run first every time after.
fn run_property_kept<S: Strategy>(
    name: &str,
    default_cases: u32,
    regressions: Option<&'static str>,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = runner(default_cases, regressions);
    match runner.run(&strategy, test) {
        Ok(()) => {}
        Err(TestError::Fail(why, minimal)) => {
            panic!("{name}: {why}\nminimal failing input:\n{minimal:#?}")
        }
        Err(TestError::Abort(why)) => panic!("{name}: aborted: {why}"),
    }
}

// ---- what a random conversation is made of ----

/// Who acts: mostly whoever acted last, so that walks go deep; sometimes someone else.
#[derive(Debug, Clone)]
enum Who {
    Same,
    Other(Index),
}

/// One input, before it meets the state of the conversation.
#[derive(Debug, Clone)]
enum Gen {
    /// Typed text (parsed as Telegram text: a leading `/` makes it a command).
    Text(String),
    /// A command line such as `/demand@kokoon_hyvinkaa_bot junk`.
    Command(String),
    /// `/start` with a payload; `true` sends it as typed text, `false` as Telegram's deep link.
    Start(String, bool),
    /// Any button of the latest replies that had buttons.
    Tap(Index),
    /// Whatever moves the conversation on, to get deep: a button that does not cancel, change or
    /// delete (the one a parent in a hurry would press when `true`), or, when a launch being
    /// prepared waits for typed text, a time or a place.
    Forward(Index, bool),
    /// A coordinator's command, plainly typed.
    Coordinating(&'static str),
    /// Callback data from no button: forged, stale, garbage, over-long.
    Forged(String),
    /// The link of a stored event as the store made it (a launch's meeting's carries its
    /// token), whoever follows it.
    EventLink(Index),
    /// A sticker, photo or voice message.
    Unsupported,
}

/// What fails when the sender delivers.
#[derive(Debug, Clone)]
enum Failing {
    Nobody,
    /// Deliveries to one user fail, in one of four ways.
    One(Index, u8),
}

#[derive(Debug, Clone)]
enum Act {
    Say {
        who: Who,
        /// Index into [`TELEGRAM_LANGS`].
        tg_lang: Index,
        input: Gen,
    },
    /// A parent (index into [`USERS`]) opens a group's deep link and moves on until the
    /// registration is done or abandoned, or the moves run out.
    Register {
        parent: usize,
        /// Index into [`GROUPS`].
        group: usize,
        /// How many children to add, where the group asks.
        children: usize,
        /// The children given as a typed birth date instead of an age button (`None`: a
        /// button), in order.
        births: Vec<Option<String>>,
        moves: Vec<(Index, bool)>,
    },
    /// A parent (index into the cast) shares their registration for Tilli Toukka with
    /// another (likewise), who opens the link and moves on (both parents, one child).
    Share {
        holder: Index,
        other: Index,
        moves: Vec<(Index, bool)>,
    },
    /// The coordinator of Tilli Toukka starts `/launch` and moves on (pool, time, place,
    /// confirm) for as many moves.
    Launch { moves: Vec<(Index, bool)> },
    /// A parent opens `/mine` and presses one of the buttons it has for a registration:
    /// withdraw (then confirms it, or keeps it), continue a paused one, or "still interested".
    Mine {
        parent: usize,
        pick: Index,
        confirm: bool,
        /// Continue a paused registration, if there is one (anyone's: then that parent acts).
        resume: bool,
    },
    /// A coordinator (index into [`USERS`]) adds a family without Telegram by hand (`/add`)
    /// and moves on until it is saved or abandoned, or the moves run out.
    AddFamily {
        coordinator: usize,
        moves: Vec<(Index, bool)>,
    },
    /// The clock moves on by this many minutes.
    Advance(i64),
    /// The sender runs once.
    Tick(Failing),
}

const TELEGRAM_LANGS: [Option<&str>; 8] = [
    Some("fi"),
    Some("fi"),
    Some("sv"),
    Some("sv-FI"),
    Some("en"),
    Some("en-US"),
    Some("de"),
    None,
];

/// Texts that mean something to kokoon somewhere, and texts that are hard to handle.
fn interesting_texts() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "\n",
        "5",
        "4",
        "6 v",
        "7 vuotta",
        "8 år",
        "17",
        "18",
        "0",
        "-3",
        "05",
        "5 ja 6",
        "Hyvinkää",
        "hyvinge",
        "HANKO",
        "Träskända",
        "vihti",
        "15.3. klo 17",
        "15.3 kl. 17.30",
        "2027-03-15 17:00",
        "2027-03-15T17:00:00+02:00",
        "1.12. klo 18",
        "15 Mar 5pm",
        "March 15 2027 at 17:00",
        "29.3.2027 klo 3.30",
        "31.2. klo 17",
        "1.1.2020 klo 12",
        "1.1.2099 klo 12",
        "huomenna",
        "Pikku-Veturi, Hyvinkää",
        "<b>Pikku</b> & <i>Veturi</i>",
        "<b>bold</b>",
        "</b>",
        "<script>alert(1)</script>",
        "&amp; &lt; &gt; &quot; &#39; &nbsp; & &; &#x;",
        "a & b < c > d \"e\" 'f'",
        "\u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{5e2}\u{5d5}\u{5dc}\u{5dd}",
        "\u{645}\u{631}\u{62d}\u{628}\u{627} 5",
        "\u{202e}5 v\u{202c}",
        "\u{200f}Hyvinkää\u{200e}",
        "👨‍👩‍👧‍👦🎉🇫🇮",
        "\u{0}\u{7}\u{1b}[31m\u{7f}",
        "\r\n\t",
        "\u{feff}5",
        "５",
        "٥",
        "𝟓",
        "e\u{301}\u{301}\u{301}",
        "/",
        "//start",
        "/ start",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.push("x".repeat(41));
    v.push("ä".repeat(201));
    v.push("&".repeat(2000));
    v.push("<".repeat(5000));
    v.push("😀".repeat(3000));
    v.push("5".repeat(10_000));
    v
}

/// Random text: any Unicode (control characters, RTL, emoji, unpaired marks), known answers,
/// and sometimes very long.
fn text() -> impl Strategy<Value = String> {
    let chars = prop::collection::vec(any::<char>(), 0..48).prop_map(String::from_iter);
    let long = (any::<char>(), 1..10_000usize, any::<char>())
        .prop_map(|(a, n, b)| format!("{}{b}", a.to_string().repeat(n)));
    let pieces = prop::collection::vec(
        prop_oneof![
            prop::sample::select(interesting_texts()),
            prop::collection::vec(any::<char>(), 0..6).prop_map(String::from_iter),
        ],
        1..4,
    )
    .prop_map(|p| p.concat());
    prop_oneof![
        3 => prop::sample::select(interesting_texts()),
        3 => chars,
        2 => pieces,
        1 => long,
    ]
}

/// A command line: every known command and its aliases, unknown ones, odd case, `@botname`,
/// junk arguments.
fn command() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "start",
        "mine",
        "lang",
        "language",
        "kieli",
        "sprak",
        "cancel",
        "peru",
        "avbryt",
        "forget",
        "privacy",
        "help",
        "apua",
        "hjalp",
        "demand",
        "export",
        "launch",
        "qr",
        "DEMAND",
        "Launch",
        "nope",
        "startx",
        "qrs",
        "",
        "späť",
        "💥",
        "mydata",
        "events",
        "tapahtumat",
        "evenemang",
        "newevent",
        "broadcast",
        "feedback",
        "add",
    ]);
    let at = prop::sample::select(vec![
        "",
        "",
        "@kokoon_hyvinkaa_bot",
        "@other_bot",
        "@",
        "@@",
    ]);
    let args = prop_oneof![
        3 => Just(String::new()),
        1 => text().prop_map(|t| format!(" {t}")),
        1 => prop::sample::select(vec![" junk", "  tilli-toukka", "\tx", " /help"])
            .prop_map(str::to_owned),
    ];
    let lead = prop::sample::select(vec!["", "", "", " ", "\n"]);
    (lead, names, at, args).prop_map(|(l, n, a, x)| format!("{l}/{n}{a}{x}"))
}

/// A `/start` payload: valid group ids, with a source, event links, malformed, over-long.
fn payload() -> impl Strategy<Value = String> {
    let valid = prop::sample::select(GROUPS.to_vec()).prop_map(str::to_owned);
    let with_source = (
        prop::sample::select(GROUPS.to_vec()),
        prop::sample::select(vec![
            "pikkuveturi",
            "neuvola-2",
            "a_b",
            "abcdefghijklmnopqrstuvwxyz012345",
        ]),
    )
        .prop_map(|(g, s)| format!("{g}__{s}"));
    prop_oneof![
        4 => valid,
        3 => with_source,
        3 => prop::sample::select(vec![
            "event-1", "event-2", "event-3", "event-42", "event-", "event", "no-such-group", "Tilli-Toukka", "tilli--toukka",
            "tilli-toukka__", "tilli-toukka__bad!", "__pikkuveturi", "tilli-toukka__a__b",
            "tilli toukka", "ääkköset", "", " ", "-", "0",
        ])
        .prop_map(str::to_owned),
        1 => (1..200usize).prop_map(|n| "a".repeat(n)),
        1 => prop::sample::select(GROUPS.to_vec())
            .prop_map(|g| format!("{g}__{}", "s".repeat(64))),
        2 => text(),
    ]
}

/// Any callback this build could write, with ids valid, unknown or for someone else's groups:
/// pressed out of context they are stale buttons, or forged ones.
fn any_callback() -> impl Strategy<Value = Callback> {
    let id = |v: Vec<&'static str>| prop::sample::select(v);
    (
        0u8..42,
        id(vec![
            "tilli-toukka",
            "koululaiset",
            "eron-edessa",
            "yhteinen-vanhemmuus",
            "no-such-group",
        ]),
        id(vec!["hyvinkaa", "hanko", "vihti", "nowhere"]),
        id(vec![
            "weekday-morning",
            "weekday-afternoon",
            "weekday-evening",
            "weekend",
            "midnight",
        ]),
        prop::sample::select(Lang::ALL.to_vec()),
        any::<bool>(),
        prop_oneof![0u64..4, Just(u64::MAX)],
        0u8..=17,
    )
        .prop_map(|(kind, g, a, t, l, yes, n, age)| {
            let g = GroupId::parse(g).expect("id");
            let pool = Pool {
                group: g.clone(),
                area: AreaId::parse(a).expect("id"),
                lang: yes.then_some(l),
            };
            let fields = [
                Field::Ages,
                Field::Area,
                Field::Language,
                Field::Times,
                Field::Share,
                Field::Note,
            ];
            match kind {
                0 => Callback::Group(g),
                1 => Callback::Age(age),
                2 => Callback::MoreChildren,
                3 => Callback::ChildrenDone,
                4 => Callback::Area(pool.area),
                5 => Callback::GroupLang(l),
                6 => Callback::Time(kokoon::domain::TimeId::parse(t).expect("id")),
                7 => Callback::TimesDone,
                8 => Callback::Consent(yes),
                9 => Callback::Share(yes),
                10 => Callback::Confirm,
                11 => Callback::Change,
                12 => Callback::ChangeField(fields[usize::from(age) % fields.len()]),
                13 => Callback::BackToSummary,
                14 => Callback::Cancel,
                15 => Callback::UiLang(l),
                16 => Callback::Edit(g),
                17 => Callback::Withdraw(g),
                18 => Callback::WithdrawYes(g),
                19 => Callback::Keep,
                20 => Callback::ForgetYes,
                21 => Callback::PoolList(pool),
                22 => Callback::PoolLaunch(pool),
                23 => Callback::LaunchConfirm,
                24 => Callback::Qr(g),
                25 => Callback::ExportLaunch(n),
                26 => Callback::Invite(n, yes),
                27 => Callback::Resume(g),
                28 => Callback::Event(
                    n,
                    [EventAction::Join, EventAction::Leave, EventAction::Calendar]
                        [usize::from(age) % 3],
                ),
                29 => Callback::Manage(
                    n,
                    [
                        ManageAction::Edit,
                        ManageAction::Cancel,
                        ManageAction::CancelYes,
                        ManageAction::Message,
                        ManageAction::Feedback,
                    ][usize::from(age) % 5],
                ),
                30 => Callback::EditField(n, EventField::ALL[usize::from(age) % 6]),
                31 => Callback::DraftGroup(yes.then_some(g)),
                32 => Callback::DraftNoLimit,
                33 => Callback::DraftSkip,
                34 => Callback::DraftTranslate(l),
                35 => Callback::DraftCreate,
                36 => Callback::BroadcastWaiting(g),
                37 => Callback::BroadcastLaunch(n, yes),
                38 => Callback::BroadcastSend,
                39 => {
                    Callback::FeedbackAnswer(n, kokoon::domain::feedback::Question::Rating, age % 7)
                }
                40 => Callback::NoNote,
                _ => Callback::FeedbackSkip(n),
            }
        })
}

/// Callback data from no current button.
fn forged() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any_callback().prop_map(|c| c.encode()),
        2 => prop::sample::select(vec![
            "", "1", "1:", "2:ok", "0:ok", "ok", "1:zz", "1:a:18", "1:a:-1", "1:a:05x", "1:g:Bad",
            "1:gl:de", "1:f:n", "1:pl:a:b", "1:pl:tilli-toukka:hyvinkaa:de", "1:iv:1:x", "1:iv::y",
            "1:xl:-1", "1:iv:99999999999999999999999:y", "1:xl:18446744073709551616",
            "1:ok:extra", "1:ch:.", "1:t:.", "1:c:+", "1:L:", "1:my:", "\u{0}", "1:g:tilli-toukka\n",
        ])
        .prop_map(str::to_owned),
        2 => prop::collection::vec(any::<char>(), 0..70).prop_map(String::from_iter),
        1 => (0..300usize).prop_map(|n| format!("1:g:{}", "a".repeat(n))),
    ]
}

/// How likely each kind of input is.
#[derive(Debug, Clone, Copy)]
struct Mix {
    coordinating: u32,
    forward: u32,
    tap: u32,
    text: u32,
    command: u32,
    start: u32,
    forged: u32,
    unsupported: u32,
    advance: u32,
    tick: u32,
    /// Weight of acting as the same person as the previous act (against 1 for someone else).
    stay: u32,
    /// How often a move on is the one a parent in a hurry makes.
    happy: f64,
    /// Who takes part: indices into [`USERS`].
    cast: &'static [usize],
    /// Most registrations made before the walk begins.
    prelude: usize,
}

/// Everyone does everything.
const CROWD: Mix = Mix {
    coordinating: 1,
    forward: 10,
    tap: 6,
    text: 6,
    command: 5,
    start: 3,
    forged: 3,
    unsupported: 1,
    advance: 2,
    tick: 3,
    stay: 3,
    happy: 0.4,
    cast: &[0, 1, 2, 3, 4, 5, 6],
    prelude: 2,
};

/// Mostly moving on with the buttons, and staying with one person, among one coordinator and two
/// parents: registrations complete, the coordinator launches, parents answer invitations.
const DEEP: Mix = Mix {
    coordinating: 2,
    forward: 24,
    tap: 3,
    text: 5,
    command: 4,
    start: 2,
    forged: 1,
    unsupported: 1,
    advance: 2,
    tick: 4,
    stay: 8,
    happy: 0.6,
    cast: &[1, 2, 3],
    prelude: 3,
};

/// A coordinator of one group makes events, launches and broadcasts; three parents register,
/// answer, sign up and follow links (their own and others').
const EVENTS: Mix = Mix {
    coordinating: 6,
    forward: 20,
    tap: 4,
    text: 3,
    command: 3,
    start: 3,
    forged: 2,
    unsupported: 1,
    advance: 3,
    tick: 5,
    stay: 4,
    happy: 0.6,
    cast: &[0, 2, 3, 4],
    prelude: 3,
};

fn input(mix: Mix) -> impl Strategy<Value = Gen> {
    prop_oneof![
        mix.forward => (any::<Index>(), prop::bool::weighted(mix.happy))
            .prop_map(|(i, happy)| Gen::Forward(i, happy)),
        mix.coordinating => prop::sample::select(vec![
            "/launch", "/demand", "/export", "/qr", "/newevent", "/broadcast", "/feedback",
            "/events", "/add",
        ])
        .prop_map(Gen::Coordinating),
        mix.tap => any::<Index>().prop_map(Gen::Tap),
        mix.text => text().prop_map(Gen::Text),
        mix.command => command().prop_map(Gen::Command),
        mix.start => prop_oneof![
            2 => (payload(), any::<bool>()).prop_map(|(p, t)| Gen::Start(p, t)),
            1 => any::<Index>().prop_map(Gen::EventLink),
        ],
        mix.forged => forged().prop_map(Gen::Forged),
        mix.unsupported => Just(Gen::Unsupported),
    ]
}

fn act(mix: Mix) -> impl Strategy<Value = Act> {
    let who = prop_oneof![
        mix.stay => Just(Who::Same),
        1 => any::<Index>().prop_map(Who::Other),
    ];
    let failing = prop_oneof![
        3 => Just(Failing::Nobody),
        1 => (any::<Index>(), 0u8..4).prop_map(|(i, k)| Failing::One(i, k)),
    ];
    prop_oneof![
        mix.coordinating + mix.forward + mix.tap + mix.text + mix.command + mix.start + mix.forged + mix.unsupported =>
            (who, any::<Index>(), input(mix))
                .prop_map(|(who, tg_lang, input)| Act::Say { who, tg_lang, input }),
        // Minutes, hours, days, and now and then months: children grow out of their groups
        // (the daily job runs in the next tick), and the counters must follow.
        mix.advance => prop_oneof![
            3 => 1i64..60,
            3 => 60i64..600,
            3 => 1440i64..4500,
            1 => 60 * 24 * 90i64..60 * 24 * 200,
        ]
        .prop_map(Act::Advance),
        3 => (
            any::<Index>(),
            any::<Index>(),
            prop::collection::vec((any::<Index>(), prop::bool::weighted(0.8)), 2..8),
        )
            .prop_map(|(holder, other, moves)| Act::Share { holder, other, moves }),
        mix.tick => failing.prop_map(Act::Tick),
    ]
}

/// A Telegram display name: plain, empty, HTML-looking, RTL, long.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just("Maija Meikäläinen".to_owned()),
        1 => prop::sample::select(vec![
            "", "<b>Eve</b>", "Tom & Jerry", "\"Q\" <x@y>", "&amp;", "\u{5d3}\u{5e0}\u{5d4}",
            "\u{202e}evE", "👩‍👧", "\u{0}",
        ])
        .prop_map(str::to_owned),
        2 => prop::collection::vec(any::<char>(), 0..130).prop_map(String::from_iter),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    /// Display name and username of each of [`USERS`].
    people: Vec<(String, Option<String>)>,
    acts: Vec<Act>,
}

fn case(mix: Mix, max_acts: usize) -> impl Strategy<Value = Case> {
    let people = prop::collection::vec(
        (
            name(),
            prop::option::of(prop_oneof![
                Just("parent_1".to_owned()),
                prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
            ]),
        ),
        USERS.len(),
    );
    // Deep walks begin with up to three parents registering, so that launches are in reach.
    let parents: Vec<usize> = mix.cast.iter().copied().filter(|i| *i >= 2).collect();
    let register = (
        prop::sample::select(parents),
        0..GROUPS.len(),
        1..=6usize,
        prop::collection::vec((any::<Index>(), prop::bool::weighted(mix.happy)), 10..24),
    )
        .prop_map(|(parent, group, children, moves)| Act::Register {
            parent,
            group,
            children,
            births: Vec::new(),
            moves,
        });
    // And, where a coordinator takes part, sometimes with a family added by hand.
    let coordinators: Vec<usize> = mix.cast.iter().copied().filter(|i| *i < 2).collect();
    let add = (
        prop::sample::select(if coordinators.is_empty() {
            vec![0]
        } else {
            coordinators.clone()
        }),
        prop::collection::vec((any::<Index>(), prop::bool::weighted(mix.happy)), 10..24),
    )
        .prop_map(|(coordinator, moves)| Act::AddFamily { coordinator, moves });
    let adds = u32::from(!coordinators.is_empty());
    let prelude = prop::collection::vec(prop_oneof![3 => register, adds => add], 0..=mix.prelude);
    (
        people,
        prelude,
        prop::collection::vec(act(mix), 1..=max_acts),
    )
        .prop_map(|(people, mut acts, walk)| {
            acts.extend(walk);
            Case { people, acts }
        })
}

// ---- running a case ----

/// Deliveries collected by the sender, failing for one user if told to.
struct Collect {
    failing: Option<(UserId, DeliveryError)>,
    got: Mutex<Vec<(UserId, Lang, Reply)>>,
}

impl Deliver for Collect {
    async fn deliver(&self, to: UserId, lang: Lang, reply: &Reply) -> Result<(), DeliveryError> {
        if let Some((user, e)) = &self.failing {
            if *user == to {
                return Err(e.clone());
            }
        }
        self.got
            .lock()
            .expect("lock")
            .push((to, lang, reply.clone()));
        Ok(())
    }
}

/// How deep the walks went, over a whole property run.
#[derive(Default)]
struct Reached {
    cases: AtomicUsize,
    steps: AtomicUsize,
    registered: AtomicUsize,
    alerted: AtomicUsize,
    launched: AtomicUsize,
    invited: AtomicUsize,
    answered: AtomicUsize,
    events: AtomicUsize,
    added: AtomicUsize,
    /// Cases in which each moment of a family's life happened (see [`World::life`]).
    life: Mutex<BTreeMap<&'static str, usize>>,
}

impl Reached {
    fn report(&self, name: &str) -> [usize; 9] {
        let r = [
            &self.cases,
            &self.steps,
            &self.registered,
            &self.alerted,
            &self.launched,
            &self.invited,
            &self.answered,
            &self.events,
            &self.added,
        ]
        .map(|a| a.load(Ordering::Relaxed));
        eprintln!(
            "{name}: {} cases, {} steps; cases that reached: a registration {}, an alert {}, a launch {}, an invitation {}, an answer {}, a sign-up for an event {}, a family added by hand {}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]
        );
        r
    }
}

struct World<'a> {
    app: App,
    clock: Arc<ManualClock>,
    people: Vec<Person>,
    /// Each user's buttons from the latest message that had any.
    buttons: BTreeMap<u64, Vec<Btn>>,
    current: usize,
    cast: &'static [usize],
    /// Every pool a registration was in during this case.
    pools: BTreeSet<Pool>,
    transcript: String,
    reached: &'a Reached,
    seen: [bool; 7],
    /// What happened to families in this case: "withdrawn", "paused", "resumed", "renewed",
    /// "aged out", "born" (a birth date typed).
    life: BTreeSet<&'static str>,
}

impl World<'_> {
    fn user(&self, who: &Who) -> usize {
        match who {
            Who::Same => self.current,
            Who::Other(i) => self.cast[i.index(self.cast.len())],
        }
    }

    fn resolve(&self, user: u64, g: &Gen) -> Input {
        let buttons = self.buttons.get(&user).cloned().unwrap_or_default();
        match g {
            Gen::Text(t) | Gen::Command(t) => Input::from_text(t),
            Gen::Start(p, true) => Input::from_text(&format!("/start {p}")),
            Gen::Start(p, false) => Input::Start(Some(p.clone())),
            Gen::Tap(i) if !buttons.is_empty() => {
                Input::Button(buttons[i.index(buttons.len())].data.clone())
            }
            Gen::EventLink(i) => {
                let events = self.app.store.events().unwrap_or_default();
                match events.len() {
                    0 => Input::Start(None),
                    n => Input::Start(Some(kokoon::domain::event::link_payload(
                        &events[i.index(n)],
                    ))),
                }
            }
            Gen::Forward(i, happy) => {
                if let Some(typed) = self.typed_answer(user, i) {
                    return Input::Text(typed);
                }
                let forward: Vec<&Btn> = buttons.iter().filter(|b| moves_on(b)).collect();
                let pick = match (forward.is_empty(), happy) {
                    // With nothing to press, a coordinator goes on launching (or makes an
                    // event, or writes to many), a parent starts (or looks at the events).
                    (true, _)
                        if buttons.is_empty()
                            && self.app.config.coordinator(UserId(user)).is_some() =>
                    {
                        use kokoon::flow::Command;
                        let c = [
                            Command::Launch,
                            Command::Launch,
                            Command::NewEvent,
                            Command::Broadcast,
                            Command::Add,
                        ];
                        return Input::Command(c[i.index(c.len())]);
                    }
                    (true, _) if buttons.is_empty() => {
                        return match i.index(3) {
                            0 => Input::Command(kokoon::flow::Command::Events),
                            _ => Input::Start(None),
                        }
                    }
                    (true, _) => &buttons[i.index(buttons.len())],
                    (false, true) => happy_path(&buttons, &forward),
                    (false, false) => forward[i.index(forward.len())],
                };
                Input::Button(pick.data.clone())
            }
            Gen::Tap(_) => Input::Start(None),
            Gen::Coordinating(c) => Input::from_text(c),
            Gen::Forged(data) => Input::Button(data.clone()),
            Gen::Unsupported => Input::Unsupported,
        }
    }

    /// The text a conversation waits for, if it does (mostly good answers): a launch's time,
    /// end and place; an event's title, time, end, place, seats and texts, or a new value for
    /// one of them; a broadcast's text; a feedback comment.
    fn typed_answer(&self, user: u64, i: &Index) -> Option<String> {
        let state = self.app.store.user(UserId(user)).ok()?.state;
        let pick = |v: &[&str]| match v[i.index(v.len())] {
            "<too long>" => "ä".repeat(201),
            s => s.to_owned(),
        };
        const WHEN: [&str; 8] = [
            "15.3. klo 17",
            "2027-03-15 17:00",
            "1.12. klo 18",
            "15 Mar 5pm",
            "15.3 kl. 17.30",
            "1.1.2020 klo 12",
            "huomenna",
            "29.3.2027 klo 3.30",
        ];
        const END: [&str; 6] = ["19.30", "2 h", "90 min", "19", "klo 3", "x"];
        const PLACE: [&str; 6] = [
            "Pikku-Veturi, Hyvinkää",
            "Pikku-Veturi, Hyvinkää",
            "<b>Pikku</b> & \"Veturi\" <3",
            "\u{5d1}\u{5d9}\u{5ea} \u{5e1}\u{5e4}\u{5e8} 🏫",
            "",
            "<too long>",
        ];
        const TITLE: [&str; 4] = ["Vertaisilta", "Vertaisilta", "<b>Ilta</b> & \"y\"", ""];
        const SEATS: [&str; 5] = ["2", "1", "20", "0", "x"];
        match state {
            State::Launching(d) => Some(if d.start.is_none() {
                pick(&WHEN)
            } else if d.end.is_none() {
                pick(&END)
            } else if d.place.is_none() {
                pick(&PLACE)
            } else {
                return None;
            }),
            State::CreatingEvent(d) => Some(match d.step {
                DraftStep::Title | DraftStep::TranslateTitle(_) => pick(&TITLE),
                DraftStep::Start => pick(&WHEN),
                DraftStep::End => pick(&END),
                DraftStep::Place => pick(&PLACE),
                DraftStep::Capacity => pick(&SEATS),
                DraftStep::Description | DraftStep::TranslateDescription(_) => {
                    pick(&["Tervetuloa!", "Lapsiparkki & kahvi <3", ""])
                }
                DraftStep::Group | DraftStep::Summary => return None,
            }),
            State::EditingEvent { field, .. } => Some(match field {
                EventField::Start => pick(&WHEN),
                EventField::End => pick(&END),
                EventField::Place => pick(&PLACE),
                EventField::Capacity => pick(&SEATS),
                EventField::Title => pick(&TITLE),
                EventField::Description => pick(&["Uusi kuvaus", ""]),
            }),
            State::Broadcasting { text: None, .. } => {
                Some(pick(&["Hei kaikki! Nähdään pian.", "<b>x</b> & y <3", ""]))
            }
            State::FeedbackComment { .. } => Some(pick(&["Kiitos illasta!", "<i>hyvä</i> & >"])),
            // A family added by hand: its label, the day it consented.
            State::Adding(d) => Some(match d.step {
                AddStep::Summary => {
                    pick(&["Virtanen, Kipinä", "<b>V</b> & \"K\"", "", "<too long>"])
                }
                AddStep::When => pick(&["3.12.", "1.1.2020", "eilen", "2026-11-30"]),
                _ => return None,
            }),
            _ => None,
        }
    }

    /// The current user sends one input; the replies are checked and their buttons kept.
    async fn say(&mut self, tg: Option<&str>, input: Input) -> Result<(), String> {
        let person = self.people[self.current].clone();
        let user = person.user.0;
        self.transcript.push_str(&format!(
            "{user} ({tg:?}) > {}\n",
            short(&format!("{input:?}"))
        ));
        let pressed = match &input {
            Input::Button(data) => Callback::parse(data),
            _ => None,
        };
        let status = |app: &App, g: &GroupId| -> Result<Option<Status>, String> {
            Ok(app
                .store
                .registrations_of(person.user)
                .map_err(|e| format!("the store failed: {e}"))?
                .iter()
                .find(|r| &r.group == g)
                .map(|r| r.status))
        };
        let before = match &pressed {
            Some(Callback::WithdrawYes(g) | Callback::Resume(g) | Callback::StillInterested(g)) => {
                status(&self.app, g)?
            }
            _ => None,
        };
        let handled = self
            .app
            .handle(None, &person, tg, input)
            .await
            .map_err(|e| format!("the store failed: {e}"))?;
        if let (
            Some(Callback::WithdrawYes(g) | Callback::Resume(g) | Callback::StillInterested(g)),
            Some(before),
        ) = (&pressed, before)
        {
            match (before, status(&self.app, g)?) {
                (_, None) => self.life.insert("withdrawn"),
                (Status::Paused { .. }, Some(Status::Waiting)) => self.life.insert("resumed"),
                (Status::Waiting, Some(Status::Waiting)) => self.life.insert("renewed"),
                _ => false,
            };
        }
        let mut latest = Vec::new();
        for reply in &handled.replies {
            self.transcript.push_str(&format!(
                "  < {}\n",
                short(&plain(&self.app, handled.lang, reply))
            ));
            check_reply(&self.app, &self.people, person.user, handled.lang, reply)
                .map_err(|e| format!("reply to {user}: {e}"))?;
            latest.extend(reply.buttons.iter().flatten().map(Btn::of));
        }
        if !latest.is_empty() {
            self.buttons.insert(user, latest);
        }
        Ok(())
    }

    async fn step(&mut self, act: &Act) -> Result<(), String> {
        match act {
            Act::Say {
                who,
                tg_lang,
                input,
            } => {
                self.current = self.user(who);
                let user = USERS[self.current];
                let tg = TELEGRAM_LANGS[tg_lang.index(TELEGRAM_LANGS.len())];
                let input = self.resolve(user, input);
                self.say(tg, input).await?;
            }
            Act::Register {
                parent,
                group,
                children,
                births,
                moves,
            } => {
                let walking = std::mem::replace(&mut self.current, *parent);
                let user = USERS[self.current];
                self.transcript.push_str("(registers)\n");
                let payload = GROUPS[*group % GROUPS.len()].to_owned();
                self.say(Some("fi"), Input::Start(Some(payload))).await?;
                // Each birth date is typed once (one not taken leaves the buttons to go on).
                let mut typed = BTreeSet::new();
                for (i, happy) in moves {
                    let record = self
                        .app
                        .store
                        .user(UserId(user))
                        .map_err(|e| e.to_string())?;
                    let (more, birth) = match record.state {
                        State::Idle => break,
                        State::Registering(d) => {
                            let n = d.children.len();
                            let birth = births
                                .get(n)
                                .cloned()
                                .flatten()
                                .filter(|_| d.step == Step::Ages && typed.insert(n));
                            (n < *children, birth)
                        }
                        _ => (false, None),
                    };
                    let offered = self
                        .buttons
                        .get(&user)
                        .is_some_and(|b| b.iter().any(|b| b.callback == Callback::MoreChildren));
                    let input = if let Some(birth) = birth {
                        Input::Text(birth)
                    } else if more && offered {
                        Input::Button(Callback::MoreChildren.encode())
                    } else {
                        self.resolve(user, &Gen::Forward(*i, *happy))
                    };
                    self.say(Some("fi"), input).await?;
                }
                self.current = walking;
            }
            Act::Share {
                holder,
                other,
                moves,
            } => {
                let parents: Vec<usize> = self.cast.iter().copied().filter(|i| *i >= 2).collect();
                if parents.is_empty() {
                    return Ok(());
                }
                let walking = self.current;
                let holder = parents[holder.index(parents.len())];
                let other = parents[other.index(parents.len())];
                self.transcript.push_str("(shares)\n");
                self.current = holder;
                let tilli = GroupId::parse("tilli-toukka").map_err(|e| e.to_string())?;
                self.say(
                    Some("fi"),
                    Input::Button(Callback::FamilyShare(tilli).encode()),
                )
                .await?;
                let token = self
                    .app
                    .store
                    .families_with(UserId(USERS[holder]))
                    .map_err(|e| e.to_string())?
                    .into_iter()
                    .find_map(|f| f.link.map(|l| l.token));
                if let Some(token) = token {
                    self.current = other;
                    let payload = kokoon::domain::family::payload(&token);
                    self.say(Some("sv"), Input::Start(Some(payload))).await?;
                    for (i, happy) in moves {
                        let user = USERS[self.current];
                        let record = self
                            .app
                            .store
                            .user(UserId(user))
                            .map_err(|e| e.to_string())?;
                        if record.state == State::Idle {
                            break;
                        }
                        let input = self.resolve(user, &Gen::Forward(*i, *happy));
                        self.say(Some("sv"), input).await?;
                    }
                }
                self.current = walking;
            }
            Act::Mine {
                parent,
                pick,
                confirm,
                resume,
            } => {
                // One who would continue is a parent with a paused registration, if any.
                let mut parent = *parent;
                if *resume {
                    for r in self.app.store.all_registrations() {
                        let r = r.map_err(|e| format!("the store failed: {e}"))?;
                        let who = USERS.iter().position(|u| *u == r.user.0);
                        if let (Status::Paused { .. }, Some(who)) = (r.status, who) {
                            parent = who;
                        }
                    }
                }
                let walking = std::mem::replace(&mut self.current, parent);
                let user = USERS[self.current];
                self.transcript.push_str("(mine)\n");
                self.buttons.remove(&user);
                self.say(Some("fi"), Input::from_text("/mine")).await?;
                let own: Vec<Btn> = self
                    .buttons
                    .get(&user)
                    .into_iter()
                    .flatten()
                    .filter(|b| {
                        matches!(
                            b.callback,
                            Callback::Withdraw(_)
                                | Callback::Resume(_)
                                | Callback::StillInterested(_)
                        )
                    })
                    .cloned()
                    .collect();
                let paused = own
                    .iter()
                    .find(|b| matches!(b.callback, Callback::Resume(_)));
                if let (Some(b), true) = (paused, *resume) {
                    self.say(Some("fi"), Input::Button(b.data.clone())).await?;
                } else if !own.is_empty() {
                    let b = own[pick.index(own.len())].clone();
                    self.say(Some("fi"), Input::Button(b.data)).await?;
                    if let Callback::Withdraw(g) = b.callback {
                        let answer = if *confirm {
                            Callback::WithdrawYes(g)
                        } else {
                            Callback::Keep
                        };
                        let offered = self
                            .buttons
                            .get(&user)
                            .is_some_and(|b| b.iter().any(|b| b.callback == answer));
                        if offered {
                            self.say(Some("fi"), Input::Button(answer.encode())).await?;
                        }
                    }
                }
                self.current = walking;
            }
            Act::Launch { moves } => {
                let walking = std::mem::replace(&mut self.current, 0);
                let user = USERS[self.current];
                self.transcript.push_str("(launches)\n");
                self.say(Some("fi"), Input::from_text("/launch")).await?;
                for (i, happy) in moves {
                    let input = self.resolve(user, &Gen::Forward(*i, *happy));
                    self.say(Some("fi"), input).await?;
                    let record = self
                        .app
                        .store
                        .user(UserId(user))
                        .map_err(|e| e.to_string())?;
                    if matches!(record.state, State::Idle) {
                        break;
                    }
                }
                self.current = walking;
            }
            Act::AddFamily { coordinator, moves } => {
                let walking = std::mem::replace(&mut self.current, *coordinator);
                let user = USERS[self.current];
                self.transcript.push_str("(adds a family)\n");
                self.say(Some("fi"), Input::Button(Callback::AddNew.encode()))
                    .await?;
                for (i, happy) in moves {
                    let record = self
                        .app
                        .store
                        .user(UserId(user))
                        .map_err(|e| e.to_string())?;
                    if !matches!(record.state, State::Adding(_)) {
                        break;
                    }
                    let input = self.resolve(user, &Gen::Forward(*i, *happy));
                    self.say(Some("fi"), input).await?;
                }
                self.current = walking;
            }
            Act::Advance(minutes) => {
                self.transcript.push_str(&format!("(+{minutes} min)\n"));
                self.clock.advance(chrono::Duration::minutes(*minutes));
            }
            Act::Tick(failing) => {
                let failing = match failing {
                    Failing::Nobody => None,
                    Failing::One(i, kind) => Some((
                        UserId(USERS[i.index(USERS.len())]),
                        match kind {
                            0 => DeliveryError::Unreachable("Forbidden: bot was blocked".into()),
                            1 => DeliveryError::Failed("network".into()),
                            2 => DeliveryError::RetryAfter(std::time::Duration::from_secs(3)),
                            _ => DeliveryError::Unreachable("chat not found".into()),
                        },
                    )),
                };
                self.transcript
                    .push_str(&format!("(sender; failing {failing:?})\n"));
                let collect = Collect {
                    failing,
                    got: Mutex::new(Vec::new()),
                };
                kokoon::sender::tick(&self.app, &collect)
                    .await
                    .map_err(|e| format!("the sender failed: {e}"))?;
                for (to, lang, reply) in collect.got.into_inner().expect("lock") {
                    self.transcript.push_str(&format!(
                        "  => {to}: {}\n",
                        short(&plain(&self.app, lang, &reply))
                    ));
                    check_reply(&self.app, &self.people, to, lang, &reply)
                        .map_err(|e| format!("message delivered to {to}: {e}"))?;
                    if reply
                        .lines
                        .iter()
                        .any(|l| l.msg == kokoon::i18n::Msg::Invitation)
                    {
                        self.seen[3] = true;
                    }
                    if reply
                        .lines
                        .iter()
                        .any(|l| l.msg == kokoon::i18n::Msg::AlertTitle)
                    {
                        self.seen[1] = true;
                    }
                    if reply
                        .lines
                        .iter()
                        .any(|l| l.msg == kokoon::i18n::Msg::AgedOut)
                    {
                        self.life.insert("aged out");
                    }
                    if reply
                        .lines
                        .iter()
                        .any(|l| l.msg == kokoon::i18n::Msg::Answered)
                    {
                        self.seen[4] = true;
                    }
                    let buttons: Vec<Btn> = reply.buttons.iter().flatten().map(Btn::of).collect();
                    if !buttons.is_empty() {
                        self.buttons.insert(to.0, buttons);
                        // Whoever just got a message with buttons is likely to answer it.
                        if let Some(i) = self.cast.iter().find(|i| USERS[**i] == to.0) {
                            self.current = *i;
                        }
                    }
                }
            }
        }
        check_store(&self.app, &mut self.pools, false)?;
        for r in self.app.store.all_registrations() {
            let r = r.map_err(|e| format!("the store failed: {e}"))?;
            if matches!(r.status, Status::Paused { .. }) {
                self.life.insert("paused");
            }
            if r.children.iter().any(|c| c.month.is_some()) {
                self.life.insert("born");
            }
        }
        self.seen[0] |= self.app.store.registration_count() > 0;
        self.seen[2] |= !self
            .app
            .store
            .launches()
            .map_err(|e| e.to_string())?
            .is_empty();
        self.seen[5] |= self
            .app
            .store
            .events()
            .map_err(|e| e.to_string())?
            .iter()
            .any(|e| !e.attendees.is_empty());
        self.seen[6] |= USERS.iter().any(|c| {
            !self
                .app
                .store
                .added_by(UserId(*c))
                .unwrap_or_default()
                .is_empty()
        });
        Ok(())
    }
}

fn short(s: &str) -> String {
    let s = s.replace('\n', " / ");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

fn plain(app: &App, lang: Lang, reply: &Reply) -> String {
    app.i18n.render(lang, reply, Markup::Plain).text
}

/// A button as the user sees it.
#[derive(Debug, Clone)]
struct Btn {
    data: String,
    callback: Callback,
    /// A time slot already picked (its label has the check mark).
    checked: bool,
}

impl Btn {
    fn of(b: &kokoon::flow::Button) -> Btn {
        Btn {
            data: b.callback.encode(),
            callback: b.callback.clone(),
            checked: matches!(
                &b.label,
                kokoon::flow::Label::MsgArgs(kokoon::i18n::Msg::BtnTimeChecked, _)
            ),
        }
    }
}

/// Whether a button moves a conversation on, rather than cancelling, changing, deleting or
/// un-picking.
fn moves_on(b: &Btn) -> bool {
    !b.checked
        && !matches!(
            b.callback,
            Callback::Cancel
                | Callback::Change
                | Callback::ChangeField(_)
                | Callback::BackToSummary
                | Callback::Consent(false)
                | Callback::Keep
                | Callback::Withdraw(_)
                | Callback::WithdrawYes(_)
                | Callback::ForgetYes
                | Callback::UiLang(_)
                | Callback::Event(_, EventAction::Leave)
                | Callback::Manage(_, ManageAction::Cancel | ManageAction::CancelYes)
        )
}

/// The button a parent in a hurry presses among those that move on: done once a time is
/// picked, confirm, consent, the first choice otherwise.
fn happy_path<'b>(buttons: &'b [Btn], forward: &[&'b Btn]) -> &'b Btn {
    let find = |f: &dyn Fn(&Callback) -> bool| forward.iter().copied().find(|b| f(&b.callback));
    let picked = buttons.iter().any(|b| b.checked);
    find(&|c| {
        matches!(
            c,
            Callback::ChildrenDone
                | Callback::Confirm
                | Callback::LaunchConfirm
                | Callback::Consent(true)
                | Callback::Invite(..)
                | Callback::DraftCreate
                | Callback::BroadcastSend
                | Callback::Event(_, EventAction::Join)
                | Callback::AddSave
        ) || (picked && *c == Callback::TimesDone)
    })
    .or_else(|| find(&|c| *c != Callback::TimesDone))
    .unwrap_or(forward[0])
}

fn run_case(c: &Case, cast: &'static [usize], reached: &Reached) -> Result<(), TestCaseError> {
    let (app, clock, _dir) = fresh_app();
    let people = USERS
        .iter()
        .zip(&c.people)
        .map(|(id, (name, username))| Person {
            user: UserId(*id),
            name: name.clone(),
            username: username.clone(),
        })
        .collect();
    let mut world = World {
        app,
        clock,
        people,
        buttons: BTreeMap::new(),
        current: cast[0],
        cast,
        pools: BTreeSet::new(),
        transcript: String::new(),
        reached,
        seen: [false; 7],
        life: BTreeSet::new(),
    };
    let rt = runtime();
    let result = rt.block_on(async {
        for act in &c.acts {
            world.step(act).await?;
        }
        check_store(&world.app, &mut world.pools, true)
    });
    let r = world.reached;
    if std::env::var("KOKOON_TRACE").is_ok() && r.cases.load(Ordering::Relaxed) < 3 {
        eprintln!("---- case\n{}", world.transcript);
    }
    r.cases.fetch_add(1, Ordering::Relaxed);
    r.steps.fetch_add(c.acts.len(), Ordering::Relaxed);
    for (seen, counter) in world.seen.iter().zip([
        &r.registered,
        &r.alerted,
        &r.launched,
        &r.invited,
        &r.answered,
        &r.events,
        &r.added,
    ]) {
        if *seen {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
    if let Ok(mut life) = r.life.lock() {
        for moment in &world.life {
            *life.entry(moment).or_default() += 1;
        }
    }
    result.map_err(|e| TestCaseError::fail(format!("{e}\ntranscript:\n{}", world.transcript)))
}

// ---- the invariants ----

/// Checks text as Telegram's HTML parse mode takes it, strictly: only `<b>` and `<i>`, without
/// attributes, balanced and properly nested; no bare `>`; every `&` starts one of the four named
/// entities or a numeric one.
pub fn check_html(s: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'<' => {
                let end = s[i..]
                    .find('>')
                    .map(|e| i + e)
                    .ok_or_else(|| format!("unclosed tag at byte {i}"))?;
                let tag = &s[i + 1..end];
                match tag {
                    "b" | "i" => open.push(tag),
                    "/b" | "/i" => {
                        if open.pop() != Some(&tag[1..]) {
                            return Err(format!("unmatched <{tag}> at byte {i}"));
                        }
                    }
                    _ => return Err(format!("tag <{tag}> at byte {i} is not allowed")),
                }
                i = end + 1;
            }
            b'>' => return Err(format!("bare '>' at byte {i}")),
            b'&' => {
                let rest = &s[i..];
                let named = ["&lt;", "&gt;", "&amp;", "&quot;"]
                    .into_iter()
                    .find(|e| rest.starts_with(e))
                    .map(str::len);
                let numeric = || {
                    let body = rest.strip_prefix("&#")?;
                    let (digits, hex) = match body.strip_prefix(['x', 'X']) {
                        Some(h) => (h, true),
                        None => (body, false),
                    };
                    let n = digits
                        .bytes()
                        .take_while(|c| {
                            if hex {
                                c.is_ascii_hexdigit()
                            } else {
                                c.is_ascii_digit()
                            }
                        })
                        .count();
                    (n > 0 && digits.as_bytes().get(n) == Some(&b';'))
                        .then(|| rest.len() - digits.len() + n + 1)
                };
                let len = named
                    .or_else(numeric)
                    .ok_or_else(|| format!("'&' at byte {i} starts no entity"))?;
                i += len;
            }
            _ => i += 1,
        }
    }
    match open.last() {
        Some(tag) => Err(format!("<{tag}> is never closed")),
        None => Ok(()),
    }
}

/// Every check on one message to one user.
fn check_reply(
    app: &App,
    people: &[Person],
    to: UserId,
    lang: Lang,
    reply: &Reply,
) -> Result<(), String> {
    let r = app.i18n.render(lang, reply, Markup::Html);
    check_html(&r.text).map_err(|e| format!("{e} in {:?}", short(&r.text)))?;
    let visible = kokoon::i18n::strip_html(&r.text);
    if visible.trim().is_empty() && reply.attachment.is_none() {
        return Err("the text is empty".into());
    }
    for part in split_text(&r.text, MAX_TEXT) {
        // Telegram counts what shows, after the tags are parsed.
        let units = visible_len(&part);
        if units > MAX_TEXT {
            return Err(format!("a part of {units} UTF-16 units"));
        }
        check_html(&part).map_err(|e| format!("split part: {e} in {:?}", short(&part)))?;
    }
    for b in r.buttons.iter().flatten() {
        if b.data.is_empty() || b.data.len() > 64 {
            return Err(format!(
                "callback data of {} bytes: {:?}",
                b.data.len(),
                b.data
            ));
        }
        if b.label.trim().is_empty() {
            return Err(format!("an empty button label for {:?}", b.data));
        }
    }
    for token in hidden_tokens(app, to)? {
        if r.text.contains(&token) || r.buttons.iter().flatten().any(|b| b.data.contains(&token)) {
            return Err("the link of a meeting they may not see".into());
        }
    }
    check_privacy(app, to, lang, reply, &visible)?;
    check_consent(app, people, to, lang, reply, &visible)
}

/// The link tokens of the launches' meetings `to` may not see now, by the one rule
/// ([`kokoon::domain::event::access`]).
fn hidden_tokens(app: &App, to: UserId) -> Result<Vec<String>, String> {
    let config = &app.config;
    let now = app.clock.now();
    let launches = app.store.launches().map_err(|e| e.to_string())?;
    let mut hidden = Vec::new();
    for e in app.store.events().map_err(|e| e.to_string())? {
        let launch = match e.visibility {
            Visibility::Launch { launch } => launches.iter().find(|l| l.id == launch),
            Visibility::Public => None,
        };
        // As the engine's `event_coordinators`: a launch's meeting is its pool's coordinators',
        // a group's event every area's.
        let coordinators = match (launch, &e.group) {
            (Some(l), _) => config.coordinator_ids(Scope::Area(&l.pool.group, &l.pool.area)),
            (None, Some(g)) => config.coordinator_ids(Scope::AllAreas(g)),
            (None, None) => Vec::new(),
        };
        let asker = Asker {
            user: to,
            coordinators: &coordinators,
            launch,
            invite_timeout: chrono::Duration::hours(i64::from(config.invite_hours)),
            // No facilitators in this model.
            facilitator: false,
        };
        if kokoon::domain::event::access(&e, &asker, now) == Access::None {
            hidden.extend(e.token.clone());
        }
    }
    Ok(hidden)
}

/// Everything a coordinator can read in a message: its text, button labels, and a file's cells
/// and labels.
fn readable(app: &App, lang: Lang, reply: &Reply, visible: &str) -> String {
    let mut all = vec![visible.to_owned()];
    let r = app.i18n.render(lang, reply, Markup::Plain);
    all.extend(r.buttons.into_iter().flatten().map(|b| b.label));
    match &reply.attachment {
        Some(Attachment::Csv { rows, .. }) => {
            all.extend(rows.iter().flatten().map(|a| app.i18n.arg_plain(lang, a)));
        }
        Some(Attachment::Charts(panels)) => {
            for p in panels {
                all.push(p.title.clone());
                all.extend(
                    p.bars
                        .iter()
                        .map(|(label, _)| app.i18n.arg_plain(lang, label)),
                );
            }
        }
        Some(Attachment::Qr { link, .. }) => all.push(link.clone()),
        Some(Attachment::TextFile { lines, .. }) => {
            all.extend(
                lines
                    .iter()
                    .map(|l| app.i18n.text(lang, l.msg, &l.args, Markup::Plain)),
            );
        }
        Some(Attachment::JsonFile { json, .. }) => all.push(json.clone()),
        Some(Attachment::Ics {
            title,
            description,
            place,
            ..
        }) => {
            all.push(title.clone());
            all.extend(description.clone());
            all.push(place.clone());
        }
        None => {}
    }
    all.join("\n")
}

/// Every text kokoon could show without anyone's personal data in it.
fn stock_texts() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| {
        let s = shared();
        let mut all = Vec::new();
        for lang in Lang::ALL {
            for m in kokoon::i18n::Msg::ALL {
                all.push(s.i18n.text(lang, *m, &[], Markup::Plain));
            }
            for g in &s.config.groups {
                all.push(g.name.get(lang).to_owned());
                all.push(g.description.get(lang).to_owned());
            }
            all.extend(s.config.areas.iter().map(|a| a.name.get(lang).to_owned()));
            all.extend(s.config.times.iter().map(|t| t.name.get(lang).to_owned()));
        }
        all.join("\n")
    })
}

/// A coordinator sees a parent's name or username only when the parent agreed to share it for
/// at least one registration. Checked for names distinctive enough to be looked for: six
/// characters or more, nobody else's, and in no stock text.
fn check_consent(
    app: &App,
    people: &[Person],
    to: UserId,
    lang: Lang,
    reply: &Reply,
    visible: &str,
) -> Result<(), String> {
    if app.config.coordinator(to).is_none() {
        return Ok(());
    }
    let seen = readable(app, lang, reply, visible);
    let all_names: Vec<&str> = people
        .iter()
        .flat_map(|p| [Some(p.name.as_str()), p.username.as_deref()])
        .flatten()
        .collect();
    for p in people.iter().filter(|p| p.user != to) {
        let failed = |e: kokoon::store::StoreError| format!("the store failed: {e}");
        // Their own registration's consent, or, as the other parent of a shared family, the
        // consent they gave when they joined it.
        let shared = app
            .store
            .registrations_of(p.user)
            .map_err(failed)?
            .iter()
            .any(|r| r.contact.is_some())
            || app
                .store
                .families_with(p.user)
                .map_err(failed)?
                .iter()
                .filter_map(|f| f.other.as_ref())
                .any(|o| o.user == p.user && o.contact.is_some());
        if shared {
            continue;
        }
        for secret in [Some(p.name.as_str()), p.username.as_deref()]
            .into_iter()
            .flatten()
        {
            let distinctive = secret.trim().chars().count() >= 6
                && all_names.iter().filter(|n| n.contains(secret)).count() == 1
                && !stock_texts().contains(secret);
            if distinctive && seen.contains(secret) {
                return Err(format!(
                    "coordinator {to} was shown {secret:?} of {}, who did not agree to share it: {:?}",
                    p.user,
                    short(&seen)
                ));
            }
        }
    }
    Ok(())
}

/// Nobody but a coordinator sees a coordinator's data; a coordinator only their groups'.
fn check_privacy(
    app: &App,
    to: UserId,
    lang: Lang,
    reply: &Reply,
    visible: &str,
) -> Result<(), String> {
    let config = &app.config;
    let callbacks = || reply.buttons.iter().flatten().map(|b| &b.callback);
    if config.coordinator(to).is_none() {
        // The only files a parent may get are an event's calendar file and their own data
        // (`/mydata`).
        let own_data = reply.lines.first().is_some_and(|l| {
            matches!(
                l.msg,
                kokoon::msg::Msg::MydataCaption | kokoon::msg::Msg::MydataJsonCaption
            )
        });
        let allowed = |a: &Attachment| match a {
            Attachment::Ics { .. } => true,
            Attachment::TextFile { .. } | Attachment::JsonFile { .. } => own_data,
            _ => false,
        };
        if let Some(a) = reply.attachment.as_ref().filter(|a| !allowed(a)) {
            return Err(format!("a parent got an attachment: {a:?}"));
        }
        if let Some(m) = COORDINATOR_MARKERS.iter().find(|m| visible.contains(*m)) {
            return Err(format!("a parent was shown {m:?}: {:?}", short(visible)));
        }
        let labels = app.i18n.render(lang, reply, Markup::Plain).buttons;
        if let Some(l) = labels
            .iter()
            .flatten()
            .find(|b| COORDINATOR_MARKERS.iter().any(|m| b.label.contains(m)))
        {
            return Err(format!("a parent was shown the button {:?}", l.label));
        }
        if let Some(cb) = callbacks().find(|c| {
            matches!(
                c,
                Callback::PoolList(_)
                    | Callback::PoolLaunch(_)
                    | Callback::LaunchConfirm
                    | Callback::Qr(_)
                    | Callback::ExportLaunch(_)
            )
        }) {
            return Err(format!("a parent got a coordinator's button {cb:?}"));
        }
        return Ok(());
    }
    let theirs = |g: &GroupId| config.sees(to, kokoon::domain::remit::Scope::Group(g));
    for cb in callbacks() {
        if let Callback::PoolList(p) | Callback::PoolLaunch(p) = cb {
            if !config.sees(to, kokoon::domain::remit::Scope::Area(&p.group, &p.area)) {
                return Err(format!(
                    "coordinator {to} got a button of another area: {cb:?}"
                ));
            }
        }
        let group = match cb {
            Callback::PoolList(p) | Callback::PoolLaunch(p) => Some(p.group.clone()),
            Callback::Qr(g) => Some(g.clone()),
            Callback::ExportLaunch(id) => app
                .store
                .launch(*id)
                .map_err(|e| e.to_string())?
                .map(|l| l.pool.group),
            _ => None,
        };
        if let Some(g) = group.filter(|g| !theirs(g)) {
            return Err(format!("coordinator {to} got a button of {g}: {cb:?}"));
        }
    }
    let names: Vec<&str> = config
        .groups
        .iter()
        .filter(|g| theirs(&g.id))
        .map(|g| g.name.get(lang))
        .collect();
    match &reply.attachment {
        Some(Attachment::Charts(panels))
            if panels.iter().any(|p| !names.contains(&p.title.as_str())) =>
        {
            Err(format!("coordinator {to} got a chart of another group"))
        }
        Some(Attachment::Csv {
            file_name, rows, ..
        }) if file_name == "kokoon-demand.csv" => {
            for row in rows {
                match row.first() {
                    Some(Arg::Text(g)) if names.contains(&g.as_str()) => {}
                    other => return Err(format!("coordinator {to} got a demand row of {other:?}")),
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The demand stored for each pool is what its waiting registrations add up to; each user has
/// one registration per group at most. Checked for every pool a registration was ever in during
/// the case, and with `every_pool` for every pool of the config.
fn check_store(app: &App, seen: &mut BTreeSet<Pool>, every_pool: bool) -> Result<(), String> {
    let config = &app.config;
    let regs: Vec<Registration> = app
        .store
        .all_registrations()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the store failed: {e}"))?;
    let mut pairs = BTreeSet::new();
    for r in &regs {
        if !pairs.insert((r.user, r.group.clone())) {
            return Err(format!("{} has two registrations for {}", r.user, r.group));
        }
    }
    seen.extend(regs.iter().map(|r| config.pool_of(r)));
    let mut pools = seen.clone();
    for g in config.groups.iter().filter(|_| every_pool) {
        for area in &g.areas {
            let langs: Vec<Option<Lang>> = if g.demand_by_language {
                g.languages.iter().copied().map(Some).collect()
            } else {
                vec![None]
            };
            for lang in langs {
                pools.insert(Pool {
                    group: g.id.clone(),
                    area: area.clone(),
                    lang,
                });
            }
        }
    }
    // Every counter, breakdowns and all, is exactly a recount of the registrations: the
    // waiting ones of a pool as its demand, the paused ones apart.
    for pool in pools {
        let of = |paused: bool| {
            PoolStats::of(regs.iter().filter(|r| {
                config.pool_of(r) == pool
                    && if paused {
                        matches!(r.status, Status::Paused { .. })
                    } else {
                        r.status == Status::Waiting
                    }
            }))
        };
        let failed = |e: kokoon::store::StoreError| format!("the store failed: {e}");
        let stored = app.store.stats_in(&pool).map_err(failed)?;
        let expected = of(false);
        if stored != expected {
            return Err(format!(
                "demand in {pool:?} is stored as {stored:?} but the registrations add up to {expected:?}"
            ));
        }
        let stored = app.store.paused_in(&pool).map_err(failed)?;
        let expected = of(true);
        if stored != expected {
            return Err(format!(
                "paused in {pool:?} are stored as {stored:?} but the registrations add up to {expected:?}"
            ));
        }
    }
    // And /demand's sum of a group's paused registrations.
    for g in &config.groups {
        let mut expected = Demand::default();
        for r in regs
            .iter()
            .filter(|r| r.group == g.id && matches!(r.status, Status::Paused { .. }))
        {
            expected.add(r);
        }
        let stored = app
            .store
            .paused_of(&g.id)
            .map_err(|e| format!("the store failed: {e}"))?
            .demand();
        if stored != expected {
            return Err(format!(
                "paused in {} are stored as {stored:?} but the registrations add up to {expected:?}",
                g.id
            ));
        }
    }
    for user in USERS {
        let own = app
            .store
            .registrations_of(UserId(user))
            .map_err(|e| format!("the store failed: {e}"))?;
        if own.iter().any(|r| r.user.0 != user)
            || own.len() != regs.iter().filter(|r| r.user.0 == user).count()
        {
            return Err(format!("registrations_of({user}) disagrees with the store"));
        }
    }
    check_families(app, &regs)?;
    check_launches_and_events(app, &regs)
}

/// Both parents, one child: every shared family is one registration, its holder's; the other
/// parent has none of their own for the group (or the children would count twice) and is in
/// no other family of it; an invitation answered by both parents names the family's parents.
fn check_families(app: &App, regs: &[Registration]) -> Result<(), String> {
    let failed = |e: kokoon::store::StoreError| format!("the store failed: {e}");
    let families = app.store.families().map_err(failed)?;
    let mut others = BTreeSet::new();
    for f in &families {
        if !regs
            .iter()
            .any(|r| r.user == f.holder && r.group == f.group)
        {
            return Err(format!(
                "family {:?} of {} has no registration of its holder",
                f.id, f.holder
            ));
        }
        if let Some(o) = &f.other {
            if regs.iter().any(|r| r.user == o.user && r.group == f.group) {
                return Err(format!(
                    "{} is in {}'s family for {} and registered alone too: counted twice",
                    o.user, f.holder, f.group
                ));
            }
            if !others.insert((o.user, f.group.clone())) {
                return Err(format!("{} is the other parent of two families", o.user));
            }
        }
    }
    for l in app.store.launches().map_err(failed)? {
        for i in l.invitations.iter().filter(|i| !i.parents.is_empty()) {
            if i.parents[0].0 != i.user || i.parents.len() != 2 {
                return Err(format!(
                    "launch {}: parents {:?} of {}",
                    l.id, i.parents, i.user
                ));
            }
            let answer = kokoon::domain::launch::family_answer(&i.parents);
            if i.answer == Answer::Pending && answer != Answer::Pending {
                return Err(format!(
                    "launch {}: {}'s family answered {answer:?} but the invitation is pending",
                    l.id, i.user
                ));
            }
        }
    }
    Ok(())
}

/// Statuses agree with the launches' invitations; no launch holds more seats than it has; a
/// launch's meeting has only families who accepted as attendees (and, on meetings held before
/// they withdrew, families who withdrew since); nobody is twice in an event, and nobody waits
/// for one with a free seat.
fn check_launches_and_events(app: &App, regs: &[Registration]) -> Result<(), String> {
    let failed = |e: kokoon::store::StoreError| format!("the store failed: {e}");
    let launches = app.store.launches().map_err(failed)?;
    for r in regs {
        let (launch, want) = match r.status {
            Status::Invited { launch } => (launch, Answer::Pending),
            Status::Accepted { launch } => (launch, Answer::Accepted),
            Status::Waiting | Status::Paused { .. } => continue,
        };
        let answer = launches
            .iter()
            .find(|l| l.id == launch && l.pool.group == r.group)
            .and_then(|l| l.invitation(r.user))
            .map(|i| i.answer);
        if answer != Some(want) {
            return Err(format!(
                "{} is {:?} but launch {launch} has {answer:?} for them",
                r.user, r.status
            ));
        }
    }
    for l in &launches {
        let held = l.accepted_seats()
            + l.invitations
                .iter()
                .filter(|i| i.answer == Answer::Pending)
                .map(|i| i.participants)
                .sum::<u32>();
        if held > l.capacity {
            return Err(format!(
                "launch {} holds {held} of {} seats",
                l.id, l.capacity
            ));
        }
        for i in l.invitations.iter().filter(|i| i.answer == Answer::Pending) {
            let status = regs
                .iter()
                .find(|r| r.user == i.user && r.group == l.pool.group)
                .map(|r| r.status);
            if status != Some(Status::Invited { launch: l.id }) {
                return Err(format!(
                    "{} has a pending invitation to launch {} but is {status:?}",
                    i.user, l.id
                ));
            }
        }
    }
    let now = app.clock.now();
    for e in app.store.events().map_err(failed)? {
        let all: BTreeSet<UserId> = e.attendees.iter().chain(&e.waiting).copied().collect();
        if all.len() != e.attendees.len() + e.waiting.len() {
            return Err(format!("someone is twice in event {}", e.id));
        }
        if !e.waiting.is_empty() && !e.cancelled && e.start > now && !e.is_full() {
            return Err(format!("event {} has a free seat and a waiting list", e.id));
        }
        if let Visibility::Launch { launch } = e.visibility {
            let l = launches.iter().find(|l| l.id == launch);
            for u in &e.attendees {
                let answer = l.and_then(|l| l.invitation(*u)).map(|i| i.answer);
                // A family who withdrew after accepting stays on the meetings held before
                // (they were there), and is on none still to come.
                let was_there =
                    answer == Some(Answer::Withdrawn) && (e.start <= now || e.cancelled);
                if answer != Some(Answer::Accepted) && !was_there {
                    return Err(format!(
                        "{u} attends launch {launch}'s meeting with the answer {answer:?}"
                    ));
                }
            }
        }
    }
    Ok(())
}

// ---- the properties ----

#[test]
fn a_crowd_of_parents_and_coordinators_keeps_every_invariant() {
    let reached = Reached::default();
    run_property("crowd", 256, case(CROWD, 40), |c| {
        run_case(&c, CROWD.cast, &reached)
    });
    reached.report("crowd");
}

#[test]
fn deep_walks_through_registrations_and_launches_keep_every_invariant() {
    let reached = Reached::default();
    run_property("deep", 256, case(DEEP, 40), |c| {
        run_case(&c, DEEP.cast, &reached)
    });
    let r = reached.report("deep");
    assert!(r[2] > 0, "no walk completed a registration");
    assert!(r[8] > 0, "no walk added a family by hand");
}

#[test]
fn events_launches_and_broadcasts_keep_every_invariant() {
    let reached = Reached::default();
    run_property("events", 128, case(EVENTS, 48), |c| {
        run_case(&c, EVENTS.cast, &reached)
    });
    let r = reached.report("events");
    assert!(r[2] > 0, "no walk completed a registration");
}

// ---- families over time: the counters and a recount ----

/// Parents and the coordinator of Tilli Toukka, for the lives of families.
const LIFE: Mix = Mix {
    coordinating: 1,
    forward: 6,
    tap: 1,
    text: 1,
    command: 1,
    start: 1,
    forged: 1,
    unsupported: 1,
    advance: 1,
    tick: 1,
    stay: 6,
    happy: 0.8,
    cast: &[0, 2, 3, 4, 5],
    prelude: 3,
};

/// A birth date as a parent might type it, mostly of children near the ages of the groups'
/// edges (four to seven, and twelve), now and then one to come or of a grown-up.
fn birth() -> impl Strategy<Value = String> {
    const FI: [&str; 12] = [
        "tammikuu",
        "helmikuu",
        "maaliskuu",
        "huhtikuu",
        "toukokuu",
        "kesäkuu",
        "heinäkuu",
        "elokuu",
        "syyskuu",
        "lokakuu",
        "marraskuu",
        "joulukuu",
    ];
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let year = prop_oneof![
        6 => 2019u16..=2021,
        3 => 2022u16..=2023,
        2 => 2013u16..=2015,
        1 => 2005u16..=2027,
    ];
    (year, 1usize..=12, 0u8..6).prop_map(|(y, m, form)| match form {
        0 => format!("{m}/{y}"),
        1 => format!("{m:02}/{}", y % 100),
        2 => format!("{y}-{m:02}"),
        3 => format!("{} {y}", FI[m - 1]),
        4 => format!("{} {y}", SV[m - 1]),
        _ => format!("{} {y}", EN[m - 1]),
    })
}

/// Families registering (ages tapped or birth dates typed), withdrawing, keeping, pausing by
/// not answering, continuing, saying they are still interested, and growing over months,
/// while the coordinator now and then launches.
fn life_case(max_acts: usize) -> impl Strategy<Value = Case> {
    let parents = vec![2usize, 3, 4, 5];
    let register = (
        prop::sample::select(parents.clone()),
        // Mostly the children's groups: Tilli Toukka above all.
        prop_oneof![4 => Just(0usize), 2 => Just(1usize), 1 => 2..GROUPS.len()],
        1..=3usize,
        prop::collection::vec(prop::option::weighted(0.5, birth()), 0..=3),
        prop::collection::vec((any::<Index>(), prop::bool::weighted(0.8)), 12..24),
    )
        .prop_map(|(parent, group, children, births, moves)| Act::Register {
            parent,
            group,
            children,
            births,
            moves,
        })
        .boxed();
    let mine = (
        prop::sample::select(parents),
        any::<Index>(),
        prop::bool::weighted(0.7),
        any::<bool>(),
    )
        .prop_map(|(parent, pick, confirm, resume)| Act::Mine {
            parent,
            pick,
            confirm,
            resume,
        });
    let people = prop::collection::vec(
        (name(), prop::option::of(Just("parent_1".to_owned()))),
        USERS.len(),
    );
    let walk = prop::collection::vec(
        prop_oneof![
            3 => register.clone(),
            3 => mine,
            // Now and then the coordinator launches. Over the mix's years launches found two
            // inconsistencies of the launch lifecycle, kept as named tests in `group_life.rs`:
            // an accepted family who withdrew after the meeting was "declined" yet still
            // attended it (now: withdrawn, on the meetings held only), and an accepted
            // registration outlived its launch's list cleared by retention (now: it ends with
            // the list). A failing case's seed is kept in `properties-life.proptest-regressions`
            // and runs first every time after.
            1 => prop::collection::vec((any::<Index>(), prop::bool::weighted(0.9)), 4..10)
                .prop_map(|moves| Act::Launch { moves }),
            // Days, weeks (an unanswered question pauses after two), and months (four ask
            // again; children grow out of their groups).
            2 => (60 * 24i64..60 * 24 * 20).prop_map(Act::Advance),
            4 => (60 * 24 * 30i64..60 * 24 * 130).prop_map(Act::Advance),
            4 => Just(Act::Tick(Failing::Nobody)),
            3 => act(LIFE),
        ],
        1..=max_acts,
    );
    (
        people,
        prop::collection::vec(register, 1..=LIFE.prelude),
        walk,
    )
        .prop_map(|(people, mut acts, walk)| {
            acts.extend(walk);
            Case { people, acts }
        })
}

#[test]
fn demand_counters_equal_a_recount_through_withdrawals_pauses_renewals_and_growing_up() {
    let reached = Reached::default();
    run_property_kept(
        "life",
        96,
        Some("tests/e2e/properties-life.proptest-regressions"),
        life_case(60),
        |c| run_case(&c, LIFE.cast, &reached),
    );
    let r = reached.report("life");
    assert!(r[2] > 0, "no walk completed a registration");
    let life = reached.life.lock().expect("lock").clone();
    eprintln!("life: cases in which families were {life:?}");
    // The generator must reach every moment (in a run of the usual length or longer).
    let moments = [
        "withdrawn",
        "paused",
        "resumed",
        "renewed",
        "aged out",
        "born",
    ];
    for moment in moments.into_iter().filter(|_| r[0] >= 96) {
        assert!(
            life.get(moment).is_some_and(|n| *n > 0),
            "no case had a family {moment}: {life:?}"
        );
    }
}

/// One random change to the config's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceLine(Index, String),
    DeleteChar(Index),
    InsertChar(Index, char),
    ReplaceChar(Index, char),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = prop_oneof![
        prop::sample::select(vec![
            "",
            "[[groups]]",
            "[[areas]]",
            "[bot]",
            "[bot]\nusername = \"x\"",
            "id = \"tilli-toukka\"",
            "id = \"Bad Id\"",
            "id = \"event-x\"",
            "threshold = 0",
            "threshold = -1",
            "threshold = 99999999999999999999",
            "capacity = 1",
            "children = { min_age = 6, max_age = 4 }",
            "children = { min_age = 200, max_age = 300 }",
            "languages = []",
            "languages = [\"de\"]",
            "times = [\"never\"]",
            "groups = [\"*\", \"nope\"]",
            "telegram_id = 0",
            "telegram_id = -5",
            "name = { fi = \"\", sv = \"\", en = \"\" }",
            "name = \"plain\"",
            "retention_months = 0",
            "invite_hours = 0",
            "unknown = 1",
            "x = \"unterminated",
            "\"\"\"",
            "= 5",
            "[[coordinators]]\nname = \"\"\ntelegram_id = 1\ngroups = []",
        ])
        .prop_map(str::to_owned),
        prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<Index>(), line).prop_map(|(i, l)| Mutation::ReplaceLine(i, l)),
        2 => any::<Index>().prop_map(Mutation::DeleteChar),
        2 => (any::<Index>(), any::<char>()).prop_map(|(i, c)| Mutation::InsertChar(i, c)),
        2 => (any::<Index>(), prop_oneof![
            any::<char>(),
            prop::sample::select(vec!['"', '=', '[', ']', '{', '}', ',', '\n', '#', '\\', '0']),
        ])
            .prop_map(|(i, c)| Mutation::ReplaceChar(i, c)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let mut chars: Vec<char> = text.chars().collect();
    match m {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::DuplicateLine(i) => {
            let n = i.index(lines.len());
            lines.insert(n, lines[n].clone());
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
        }
        Mutation::ReplaceLine(i, l) => {
            let n = i.index(lines.len());
            lines[n].clone_from(l);
        }
        Mutation::DeleteChar(i) if !chars.is_empty() => {
            chars.remove(i.index(chars.len()));
            return chars.into_iter().collect();
        }
        Mutation::InsertChar(i, c) => {
            chars.insert(i.index(chars.len() + 1), *c);
            return chars.into_iter().collect();
        }
        Mutation::ReplaceChar(i, c) if !chars.is_empty() => {
            let n = i.index(chars.len());
            chars[n] = *c;
            return chars.into_iter().collect();
        }
        Mutation::Truncate(i) => {
            chars.truncate(i.index(chars.len() + 1));
            return chars.into_iter().collect();
        }
        Mutation::DeleteChar(_) | Mutation::ReplaceChar(..) => {}
    }
    lines.join("\n")
}

/// What `check-config` would print, checked: never a panic, and every error names the file.
fn check_config(text: &str) -> Result<(), String> {
    match Config::parse(FILE, text) {
        Ok(_) => Ok(()),
        Err(e) => {
            let shown = e.to_string();
            if e.errors.is_empty() || shown.trim().is_empty() {
                return Err("an error without a message".into());
            }
            if !shown.starts_with(FILE) {
                return Err(format!("the error does not name the file: {shown:?}"));
            }
            if e.errors.iter().any(|x| x.what.trim().is_empty()) {
                return Err(format!("an error says nothing: {shown:?}"));
            }
            Ok(())
        }
    }
}

#[test]
fn broken_configs_never_panic_and_every_error_names_the_file() {
    let original = include_str!("../../config/kokoon.toml");
    run_property(
        "config",
        512,
        prop::collection::vec(mutation(), 1..8),
        |ms| {
            let mut text = original.to_owned();
            for m in &ms {
                text = mutate(&text, m);
            }
            check_config(&text).map_err(|e| TestCaseError::fail(format!("{e}\nconfig:\n{text}")))
        },
    );
}

// ---- the checker itself, and the markers ----

#[test]
fn the_html_checker_knows_good_from_bad() {
    for good in [
        "",
        "plain",
        "<b>x</b> <i>y</i>",
        "<b><i>x</i></b>",
        "&lt;&gt;&amp;&quot;&#39;&#x1F600;",
    ] {
        assert_eq!(check_html(good), Ok(()), "{good:?}");
    }
    for bad in [
        "<b>x",
        "x</b>",
        "<b><i>x</b></i>",
        "<u>x</u>",
        "<b class=\"x\">x</b>",
        "a < b",
        "a > b",
        "a & b",
        "&nbsp;",
        "&#;",
        "&#x;",
        "&amp",
        "<b",
    ] {
        assert!(check_html(bad).is_err(), "{bad:?} passed");
    }
}

#[test]
fn the_coordinator_markers_are_in_coordinator_messages_only() {
    use kokoon::i18n::Msg;
    let s = shared();
    let coordinator_only = [
        Msg::HelpCoordinator,
        Msg::DemandTitle,
        Msg::ListTitle,
        Msg::LaunchChoose,
        Msg::LaunchSummary,
        Msg::AlertTitle,
        Msg::ExportCaption,
        Msg::QrChoose,
        Msg::CsvThreshold,
        Msg::ChartThreshold,
    ];
    let args: Vec<(&'static str, Arg)> = [
        "group",
        "area",
        "threshold",
        "kind",
        "when",
        "place",
        "families",
        "count",
        "capacity",
        "hours",
        "rows",
    ]
    .into_iter()
    .map(|n| (n, Arg::Num(3)))
    .collect();
    for lang in Lang::ALL {
        let everything_else: String = Msg::ALL
            .iter()
            .filter(|m| !coordinator_only.contains(m))
            .filter(|m| {
                // Messages to coordinators that are not in the list above.
                !matches!(
                    m,
                    Msg::DemandPool
                        | Msg::DemandNone
                        | Msg::DemandSources
                        | Msg::ListEmpty
                        | Msg::ListItem
                        | Msg::LaunchNothing
                        | Msg::BtnLaunchPool
                        | Msg::ExportLaunchCaption
                        | Msg::QrCaption
                        | Msg::AlertMissed
                        | Msg::CoordinatorFirst
                        | Msg::Answered
                        | Msg::FinalTitle
                        | Msg::BtnExportLaunch
                ) && !m.id().starts_with("csv-")
                    && !m.id().starts_with("chart-")
                    // The feedback report (`/report`) is for coordinators.
                    && !m.id().starts_with("report-")
                    // The public web page's texts (locales/*/web.ftl) are not chat messages.
                    && !m.id().starts_with("web-")
            })
            .map(|m| s.i18n.text(lang, *m, &args, Markup::Plain))
            .chain(s.config.groups.iter().flat_map(|g| {
                [
                    g.name.get(lang).to_owned(),
                    g.description.get(lang).to_owned(),
                ]
            }))
            .collect::<Vec<_>>()
            .join("\n");
        for m in COORDINATOR_MARKERS {
            assert!(
                !everything_else.contains(m),
                "{m:?} occurs in a message parents see ({lang:?})"
            );
        }
        let coordinators: String = coordinator_only
            .iter()
            .map(|m| s.i18n.text(lang, *m, &args, Markup::Plain))
            .collect::<Vec<_>>()
            .join("\n");
        let found = COORDINATOR_MARKERS
            .iter()
            .filter(|m| coordinators.contains(*m))
            .count();
        assert!(found >= 6, "{lang:?}: only {found} markers found");
    }
}

/// One line as the locales write them: escaped text, sometimes in a tag that closes on the line.
fn html_line() -> impl Strategy<Value = String> {
    let escaped = prop_oneof![
        prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter),
        prop::sample::select(vec!["a & b", "<b>", "\"q\"", "😀😀", " ", ""])
            .prop_map(str::to_owned),
        (1..400usize).prop_map(|n| "&<>".repeat(n)),
    ]
    // Line breaks come only between lines: the locales keep each tag within one line.
    .prop_map(|s| kokoon::i18n::escape_html(&s.replace('\n', " ")));
    prop::collection::vec(
        (escaped, prop::sample::select(vec!["", "b", "i"])).prop_map(|(t, tag)| {
            if tag.is_empty() {
                t
            } else {
                format!("<{tag}>{t}</{tag}>")
            }
        }),
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

#[test]
fn split_text_keeps_every_part_sendable() {
    run_property(
        "split",
        256,
        (
            prop::collection::vec(html_line(), 1..12),
            prop_oneof![32..300usize, Just(MAX_TEXT)],
        ),
        |(lines, limit)| {
            let text = lines.join("\n");
            for part in split_text(&text, limit) {
                // As Telegram counts: what shows once the tags are parsed.
                let units = visible_len(&part);
                prop_assert!(units <= limit, "a part of {units} > {limit}");
                // (A text that shows nothing at all is never sent: the replies are checked.)
                prop_assert!(
                    !kokoon::i18n::strip_html(&part).trim().is_empty()
                        || kokoon::i18n::strip_html(&text).trim().is_empty(),
                    "a blank part"
                );
                prop_assert!(
                    check_html(&part).is_ok(),
                    "{:?}: {part:?}",
                    check_html(&part)
                );
            }
            Ok(())
        },
    );
}

// ---- what the properties found, kept as plain tests ----

/// Found by `split_text_keeps_every_part_sendable`: a line longer than a message was cut at any
/// character, so a part could end inside an entity (`&am` | `p;`) or leave a `<b>` open, and
/// Telegram refuses such a part ("can't parse entities").
#[test]
fn split_text_cuts_a_long_line_between_entities_and_closes_its_tags() {
    let text = format!("<b>{}</b>", "&amp;".repeat(30));
    let parts = split_text(&text, 20);
    assert!(parts.len() > 1, "{parts:?}");
    for p in &parts {
        assert!(visible_len(p) <= 20, "{p:?}");
        assert_eq!(check_html(p), Ok(()), "{p:?} of {parts:?}");
    }
    let visible: String = parts.iter().map(|p| kokoon::i18n::strip_html(p)).collect();
    assert_eq!(visible, "&".repeat(30));
}

/// Found by the same property: a long line of spaces was cut into parts of nothing but spaces,
/// which Telegram refuses as empty messages.
#[test]
fn split_text_sends_no_blank_part() {
    let parts = split_text(&format!("{}x", " ".repeat(50)), 20);
    assert!(
        parts
            .iter()
            .all(|p| !kokoon::i18n::strip_html(p).trim().is_empty()),
        "{parts:?}"
    );
    assert_eq!(parts.concat().trim(), "x");
}
