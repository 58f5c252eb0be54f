//! The daily privacy jobs' store side: erasing parents who blocked the bot long ago, renewal of
//! interest in waiting registrations ([`crate::domain::renewal`]), and retention —
//! registrations after `[privacy] retention_months` (with a notice a week before, for those not
//! waiting),
//! event sign-ups and launch invitations the same time after the event, feedback comments
//! after `comment_retention_months`, broadcasts after `broadcast_days`; user records with
//! nothing else stored after `user_months` from their last use, and unfinished conversations'
//! answers after `state_days` ([`user_expiry`], the one place such rules live). The sender
//! runs them once a day ([`crate::sender`]), then compacts the keyring
//! ([`Store::compact_keyring`]).

use super::keyring::{Kind, Owner};
use super::{Registration, Store, StoreError, StoredUser, UserId, UserRecord};
use crate::domain::privacy::{unconsented, Unconsented};
use crate::domain::{child, renewal, Status};
use crate::domain::{Broadcast, Feedback, Outgoing};
use crate::flow::State;
use chrono::{DateTime, Duration, Months, Utc};
use std::collections::BTreeSet;
use std::path::Path;

/// How long personal data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Registrations, counted from when they were last confirmed; sign-ups to an event and
    /// invitations to a launched group, counted from the event and the first meeting.
    pub months: u32,
    /// Feedback comments, counted from when they were given.
    pub comment_months: u32,
    /// How long before a registration is deleted the parent is told (and may confirm it again).
    pub notice: Duration,
    /// A user record with nothing else stored about the person, counted from its last use.
    pub user_months: u32,
    /// An unfinished conversation's answers, counted from its last step.
    pub state: Duration,
    /// A broadcast's text and report, counted from when it was sent.
    pub broadcast: Duration,
    /// How waiting registrations are confirmed ([`crate::domain::renewal`]), when they are:
    /// then a waiting registration gets no retention notice (a family that answers is never
    /// deleted, and one that does not is paused first and gets the notice like any other).
    pub renewal: Option<renewal::Policy>,
}

/// What the daily job does with one user record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserExpiry {
    /// Drop the answers of an unfinished conversation (the language stays).
    DropState,
    /// Erase the person as with `/forget`.
    Erase,
}

/// The expiry rules for a user record (pure): `last_use` is when they last wrote, `holds_data`
/// whether anything else is stored about them (a registration, sign-up, invitation, feedback
/// or queued message). Every time-based rule for user records belongs here, so the daily job
/// applies them all in one pass (e.g. conversation state kept before consent: add its rule).
#[must_use]
pub fn user_expiry(
    record: &UserRecord,
    last_use: DateTime<Utc>,
    holds_data: bool,
    policy: &Retention,
    now: DateTime<Utc>,
) -> Option<UserExpiry> {
    if !holds_data && now >= add_months(last_use, policy.user_months) {
        return Some(UserExpiry::Erase);
    }
    if record.state != State::Idle && now >= last_use + policy.state {
        return Some(UserExpiry::DropState);
    }
    None
}

/// What one round of retention did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Parents told that a registration will be deleted.
    pub noticed: usize,
    /// Registrations deleted.
    pub purged: usize,
    /// Parents asked whether they are still interested.
    pub renewal_asked: usize,
    /// Registrations paused for want of an answer to that question.
    pub paused: usize,
    /// Past events whose sign-up and waiting lists (and feedback) were deleted.
    pub events_cleared: usize,
    /// Closed launches whose invitations were deleted.
    pub launches_cleared: usize,
    /// Feedback comments deleted.
    pub comments_cleared: usize,
    /// Broadcasts deleted.
    pub broadcasts_cleared: usize,
}

impl RetentionReport {
    /// Whether nothing was done.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == RetentionReport::default()
    }
}

fn add_months(t: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    t.checked_add_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// When a registration's retention ends: counted from when it was last confirmed.
#[must_use]
pub fn expires(r: &Registration, months: u32) -> DateTime<Utc> {
    add_months(r.confirmed_at(), months)
}

/// What retention does with one registration now.
enum Due {
    Notice,
    Purge,
}

fn due(r: &Registration, policy: &Retention, now: DateTime<Utc>) -> Option<Due> {
    if policy.renewal.is_some() && r.status == Status::Waiting {
        // Renewal asks instead, and pauses it unanswered: the notice follows from there.
        return None;
    }
    let end = expires(r, policy.months);
    match r.expiry_notice {
        None if now >= end - policy.notice => Some(Due::Notice),
        Some(told) if now >= end.max(told + policy.notice) => Some(Due::Purge),
        _ => None,
    }
}

impl Store {
    /// Whether the daily jobs are due: never run, or last run `every` ago or more.
    pub fn housekeeping_due(
        &self,
        now: DateTime<Utc>,
        every: Duration,
    ) -> Result<bool, StoreError> {
        Ok(match self.meta.get("housekeeping")? {
            Some(v) => {
                let last = v.as_ref().try_into().map(i64::from_be_bytes).unwrap_or(0);
                now.timestamp_millis() - last >= every.num_milliseconds()
            }
            None => true,
        })
    }

    /// Records that the daily jobs ran at `now`.
    pub async fn housekeeping_done(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.meta
            .insert("housekeeping", &now.timestamp_millis().to_be_bytes())?;
        self.flush_to_disk().await?;
        Ok(())
    }

    /// Users who have been unreachable (blocked the bot) since `cutoff` or before.
    pub fn unreachable_before(&self, cutoff: DateTime<Utc>) -> Result<Vec<UserId>, StoreError> {
        let mut out = Vec::new();
        for item in self.users.iter() {
            let (k, v) = item?;
            let u: StoredUser = self.open_value("users", &k, &v)?;
            if u.record.unreachable_since.is_some_and(|t| t <= cutoff) {
                out.push(u.id);
            }
        }
        Ok(out)
    }

    /// Erases everything about a user, as `/forget` does, if they are still unreachable since
    /// `cutoff` or before (checked inside the transaction, so someone who wrote to the bot in
    /// the meantime keeps everything). Returns whether they were erased.
    pub async fn erase_unreachable(
        &self,
        user: UserId,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.erase_if(user, now, |u, _| {
            u.record.unreachable_since.is_some_and(|t| t <= cutoff)
        })
        .await
    }

    /// Erases everything about a user, as `/forget` does, if `still` holds for their record
    /// (and whether anything else is stored about them) inside the transaction; destroys their
    /// data keys and records the erasure.
    async fn erase_if(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        still: impl Fn(&StoredUser, bool) -> bool,
    ) -> Result<bool, StoreError> {
        let traces = self.traces_of(user)?;
        // Their shared families: the other parent takes a registration over, as after
        // `/forget`; the family keys they were in go.
        let known = self.families_with(user)?;
        let holds = !traces.is_empty() || !known.is_empty();
        let key = self.users_key(user);
        let erased = self.transaction(now, |tx| {
            let Some(u) = tx.get::<StoredUser>(tx.users, "users", &key)? else {
                return Ok(false);
            };
            if !still(&u, holds) {
                return Ok(false);
            }
            tx.leave_families(user, None, &known)?;
            for k in &traces.registrations {
                tx.erase_registration(k)?;
            }
            tx.erase(user, &traces.events, &traces.launches, &traces.other_keys)?;
            tx.users.remove(&key)?;
            Ok(true)
        })?;
        if erased {
            // On disk before the keys go (see `commit_unflushed`).
            self.flush_to_disk().await?;
            let mut doomed = traces.owners(key);
            doomed.extend(known.iter().map(|f| super::keyring::Owner::family(f.id.0)));
            self.crypt.ring.destroy(&doomed, &self.crypt.ring_key)?;
            self.erasures
                .record(&[user], now, &self.crypt.erasures_key)?;
        }
        Ok(erased)
    }

    /// Keeps a copy of the erasure list at `path` (beside the backups) from now on: a restore
    /// reads it to erase again whoever was erased after its snapshot.
    pub fn mirror_erasures(&self, path: &Path) -> Result<(), StoreError> {
        Ok(self.erasures.mirror_to(path, &self.crypt.erasures_key)?)
    }

    /// Erases again everyone this store holds whom the erasure list records as erased at
    /// `since` or later: what a restore of a snapshot taken at `since` runs before it serves
    /// anyone (with the live erasure list copied beside the restored store). Time-based
    /// retention needs no list: the daily job applies it again by itself. Returns how many
    /// people were erased.
    pub async fn reapply_erasures(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let mut people = BTreeSet::new();
        for item in self.users.iter() {
            let (k, v) = item?;
            if let Ok(u) = self.open_value::<StoredUser>("users", &k, &v) {
                people.insert(u.id);
            }
        }
        for r in self.all_registrations() {
            people.insert(r?.user);
        }
        let mut n = 0;
        let mut doomed = Vec::new();
        for user in people {
            if self.erasures.erased_since(user, since).is_none() {
                continue;
            }
            let traces = self.traces_of(user)?;
            let known = self.families_with(user)?;
            let key = self.users_key(user);
            self.transaction(now, |tx| {
                tx.leave_families(user, None, &known)?;
                for k in &traces.registrations {
                    tx.erase_registration(k)?;
                }
                tx.erase(user, &traces.events, &traces.launches, &traces.other_keys)?;
                tx.users.remove(&key)?;
                Ok(())
            })?;
            doomed.extend(traces.owners(key));
            doomed.extend(known.iter().map(|f| super::keyring::Owner::family(f.id.0)));
            n += 1;
        }
        if n > 0 {
            // On disk before the keys go (see `commit_unflushed`).
            self.flush_to_disk().await?;
            self.crypt.ring.destroy(&doomed, &self.crypt.ring_key)?;
        }
        Ok(n)
    }

    /// The user tags of everyone something besides their user record is stored about.
    fn data_holders(&self) -> Result<std::collections::HashSet<[u8; 16]>, StoreError> {
        let mut out = std::collections::HashSet::new();
        let tag = |k: &[u8]| <[u8; 16]>::try_from(k).ok();
        for k in self.registrations.iter().keys() {
            out.extend(k?.get(..16).and_then(tag));
        }
        for prefix in [b"f", b"s"] {
            for k in self.events.scan_prefix(prefix).keys() {
                out.extend(k?.get(9..25).and_then(tag));
            }
        }
        for e in self.events()? {
            for u in e.attendees.iter().chain(&e.waiting).chain(&e.co_parents) {
                out.insert(self.users_key(*u));
            }
        }
        for l in self.launches()? {
            for i in &l.invitations {
                out.insert(self.users_key(i.user));
                for (u, _) in &i.parents {
                    out.insert(self.users_key(*u));
                }
            }
        }
        // Both parents of a shared family: the other parent consented to their part of it.
        for f in self.families()? {
            for u in f.parents() {
                out.insert(self.users_key(u));
            }
        }
        for item in self.outbox.iter() {
            let (k, v) = item?;
            let item: crate::domain::OutboxItem = self.open_value("outbox", &k, &v)?;
            out.insert(self.users_key(item.to));
        }
        Ok(out)
    }

    /// The user records due for expiry at `now` ([`user_expiry`]). Records without a time of
    /// last use are stamped with `now` here (their periods start today).
    pub fn expiring_users(
        &self,
        policy: &Retention,
        now: DateTime<Utc>,
    ) -> Result<Vec<(UserId, UserExpiry)>, StoreError> {
        let holders = self.data_holders()?;
        let mut out = Vec::new();
        for item in self.users.iter() {
            let (k, v) = item?;
            let mut u: StoredUser = match self.open_value("users", &k, &v) {
                Err(StoreError::Erased { .. }) => continue,
                other => other?,
            };
            let Some(at) = u.at else {
                u.at = Some(now);
                let value = self.seal("users", &k, &u)?;
                self.users.insert(k, value)?;
                continue;
            };
            let holds = holders.contains(k.as_ref());
            if let Some(what) = user_expiry(&u.record, at, holds, policy, now) {
                out.push((u.id, what));
            }
        }
        Ok(out)
    }

    /// Applies one expiry found by [`Store::expiring_users`], if it is still due (checked
    /// inside the transaction: someone who wrote meanwhile is left alone). Returns whether it
    /// was applied.
    pub async fn expire_user(
        &self,
        user: UserId,
        what: UserExpiry,
        policy: &Retention,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let due = |u: &StoredUser, holds: bool| {
            u.at.is_some_and(|at| user_expiry(&u.record, at, holds, policy, now) == Some(what))
        };
        match what {
            UserExpiry::Erase => self.erase_if(user, now, due).await,
            UserExpiry::DropState => {
                let key = self.users_key(user);
                let done = self.transaction(now, |tx| {
                    let Some(mut u) = tx.get::<StoredUser>(tx.users, "users", &key)? else {
                        return Ok(false);
                    };
                    // Erasure is decided apart; here only the state's own period counts.
                    if !due(&u, true) {
                        return Ok(false);
                    }
                    u.record.state = State::Idle;
                    tx.put(tx.users, "users", &key, &u)?;
                    Ok(true)
                })?;
                if done {
                    // The answers so far were sealed under the person's key, which stays: the
                    // older copies go with the key when the person is erased.
                    self.flush_to_disk().await?;
                }
                Ok(done)
            }
        }
    }

    /// Destroys the data keys whose owner nothing refers to any more (left behind by a crash
    /// between an erasure and its key's destruction); keys made since the last compaction are
    /// kept. Returns how many were destroyed.
    pub fn compact_keyring(&self) -> Result<usize, StoreError> {
        let mut live = super::keyring::OwnerSet::with_capacity_and_hasher(
            self.crypt.ring.len(),
            Default::default(),
        );
        for k in self.users.iter().keys() {
            let k = k?;
            if let Ok(tag) = <[u8; 16]>::try_from(k.as_ref()) {
                live.insert(Owner::person(&tag));
            }
        }
        for k in self.registrations.iter().keys() {
            live.insert(Owner::record("registrations", &k?));
        }
        for prefix in [b"f", b"s"] {
            for k in self.events.scan_prefix(prefix).keys() {
                live.insert(Owner::record("events", &k?));
            }
        }
        // Replies kept for someone with no user record (nothing is stored before the consent)
        // are sealed under their key too, and whose they are is sealed: while any are kept,
        // people's keys stay (the replies are sent or forgotten after `update_hours`).
        let mut replies_kept = false;
        for v in self.updates.iter().values() {
            let v = v?;
            if super::crypt::parse(&v).is_some_and(|p| v.len() > p.len()) {
                replies_kept = true;
                break;
            }
        }
        let n = self.crypt.ring.compact(
            |o| {
                o.kind == Kind::Family
                    || (replies_kept && o.kind == Kind::Person)
                    || live.contains(o)
            },
            &self.crypt.ring_key,
        )?;
        Ok(n)
    }

    /// Drops erasure-list entries older than `before`; returns how many.
    pub fn prune_erasures(&self, before: DateTime<Utc>) -> Result<usize, StoreError> {
        Ok(self.erasures.prune(before, &self.crypt.erasures_key)?)
    }

    /// Deletes what people left who never consented ([`unconsented`]): a day after their last
    /// message, the record (language, conversation step) of someone with no other data, and an
    /// unconsented registration draft of someone with other data. `spare` (coordinators) are
    /// kept. Returns how many records were deleted and how many drafts dropped.
    pub async fn forget_unconsented(
        &self,
        now: DateTime<Utc>,
        spare: impl Fn(UserId) -> bool,
    ) -> Result<(usize, usize), StoreError> {
        let holders = self.data_holders()?;
        let fate = |u: &StoredUser, key: &[u8]| {
            let draft = matches!(&u.record.state, State::Registering(d) if !d.consent);
            // A registration under way whose consent was given is consented data too: if it is
            // left, `[privacy] state_days` drops its answers ([`user_expiry`]).
            let consented_draft = matches!(
                &u.record.state,
                State::Registering(d) | State::ConfirmingDrop { draft: d, .. } if d.consent
            );
            let holds =
                consented_draft || <[u8; 16]>::try_from(key).is_ok_and(|t| holders.contains(&t));
            unconsented(u.record.seen_at, holds, draft, now)
        };
        let mut candidates = Vec::new();
        for item in self.users.iter() {
            let (k, v) = item?;
            let u: StoredUser = match self.open_value("users", &k, &v) {
                Err(StoreError::Erased { .. }) => continue,
                other => other?,
            };
            if !spare(u.id) && fate(&u, &k) != Unconsented::Keep {
                candidates.push(k.to_vec());
            }
        }
        if candidates.is_empty() {
            return Ok((0, 0));
        }
        let done = self.transaction(now, |tx| {
            let mut done = (0, 0);
            for key in &candidates {
                // Checked again: they may have written meanwhile.
                let Some(mut u) = tx.get::<StoredUser>(tx.users, "users", key)? else {
                    continue;
                };
                match fate(&u, key) {
                    Unconsented::Keep => {}
                    Unconsented::Forget => {
                        tx.users.remove(key.as_slice())?;
                        done.0 += 1;
                    }
                    Unconsented::DropDraft => {
                        u.record.state = State::Idle;
                        tx.put(tx.users, "users", key, &u)?;
                        done.1 += 1;
                    }
                }
            }
            Ok(done)
        })?;
        self.flush_to_disk().await?;
        Ok(done)
    }

    /// Applies the retention periods at `now`, in one transaction, and flushes.
    pub async fn apply_retention(
        &self,
        policy: &Retention,
        now: DateTime<Utc>,
    ) -> Result<RetentionReport, StoreError> {
        // Transactions cannot scan: find the candidates first, check them again inside.
        let mut notice = Vec::new();
        let mut purge = Vec::new();
        let mut renew = Vec::new();
        for item in self.registrations.iter() {
            let (k, v) = item?;
            let r: Registration = self.open_value("registrations", &k, &v)?;
            if let Some(p) = &policy.renewal {
                if renewal::due(&r, p, now).is_some() {
                    renew.push(k.to_vec());
                }
            }
            match due(&r, policy, now) {
                Some(Due::Notice) => notice.push(k.to_vec()),
                Some(Due::Purge) => purge.push(k.to_vec()),
                None => {}
            }
        }
        let mut past_events = BTreeSet::new();
        let mut known_events = BTreeSet::new();
        let mut clear_events = Vec::new();
        for e in self.events()? {
            known_events.insert(e.id);
            if add_months(e.end, policy.months) <= now {
                past_events.insert(e.id);
                if !e.attendees.is_empty() || !e.waiting.is_empty() || !e.co_parents.is_empty() {
                    clear_events.push(e.id);
                }
            }
        }
        // Feedback and sign-up consent records of events whose lists go, with their keys.
        let mut drop_feedback = Vec::new();
        for item in self.events.scan_prefix(b"s") {
            let (k, _) = item?;
            let event = k
                .get(1..9)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_be_bytes);
            if past_events.contains(&event) {
                drop_feedback.push(k.to_vec());
            }
        }
        let mut comments = Vec::new();
        for item in self.events.scan_prefix(b"f") {
            let (k, _) = item?;
            let event = k
                .get(1..9)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_be_bytes);
            if past_events.contains(&event) {
                drop_feedback.push(k.to_vec());
                continue;
            }
            let Some(f) = self.get::<Feedback>(&self.events, "events", &k)? else {
                continue;
            };
            if f.comment.is_some() && add_months(f.at, policy.comment_months) <= now {
                comments.push((k.to_vec(), Feedback { comment: None, ..f }));
            }
        }
        let mut drop_broadcasts = Vec::new();
        for item in self.events.scan_prefix(b"b") {
            let (k, _) = item?;
            let Some(mut b) = self.get::<Broadcast>(&self.events, "events", &k)? else {
                continue;
            };
            match b.at {
                None => {
                    b.at = Some(now);
                    let value = self.seal("events", &k, &b)?;
                    self.events.insert(k, value)?;
                }
                Some(at) if at + policy.broadcast <= now => drop_broadcasts.push(k.to_vec()),
                Some(_) => {}
            }
        }
        // A launch's list goes with the lists of its meetings: once the last of them is past
        // its retention (the lists of a series' later meetings name its families as long).
        let clear_launches: Vec<u64> = self
            .launches()?
            .into_iter()
            .filter(|l| {
                l.closed
                    && !l.invitations.is_empty()
                    && add_months(l.start, policy.months) <= now
                    && l.meeting_ids()
                        .iter()
                        .all(|id| past_events.contains(id) || !known_events.contains(id))
            })
            .map(|l| l.id)
            .collect();
        if notice.is_empty()
            && purge.is_empty()
            && renew.is_empty()
            && clear_events.is_empty()
            && drop_feedback.is_empty()
            && comments.is_empty()
            && clear_launches.is_empty()
            && drop_broadcasts.is_empty()
        {
            return Ok(RetentionReport::default());
        }

        // A comment goes with its key: the rating is sealed again under a new one, so the
        // copies with the comment that sled's log keeps can no longer be opened.
        let reseal: Vec<super::keyring::Owner> = comments
            .iter()
            .map(|(k, _)| super::keyring::Owner::record("events", k))
            .collect();
        self.crypt.ring.destroy(&reseal, &self.crypt.ring_key)?;
        let purged = std::cell::RefCell::new(Vec::new());
        // Shared families whose registration may be purged: read now, as a transaction cannot
        // scan.
        let families = if purge.is_empty() && clear_launches.is_empty() {
            Vec::new()
        } else {
            self.families()?
        };
        let report = self.transaction(now, |tx| {
            purged.borrow_mut().clear();
            let mut report = RetentionReport::default();
            for key in &renew {
                let Some(p) = &policy.renewal else { break };
                let Some(r) = tx.get::<Registration>(tx.regs, "registrations", key)? else {
                    continue;
                };
                // Decided again on the record as it is now, by the one rule.
                let Some((r, message)) = renewal::step(&r, p, now) else {
                    continue;
                };
                tx.save_registration(&r)?;
                match message {
                    Some(message) => {
                        let at = tx.rules().daytime(now);
                        tx.send_at(r.user, at, message)?;
                        report.renewal_asked += 1;
                    }
                    None => report.paused += 1,
                }
            }
            for key in &notice {
                let Some(mut r) = tx.get::<Registration>(tx.regs, "registrations", key)? else {
                    continue;
                };
                if !matches!(due(&r, policy, now), Some(Due::Notice)) {
                    continue;
                }
                r.expiry_notice = Some(now);
                tx.put(tx.regs, "registrations", key, &r)?;
                let at = tx.rules().daytime(now);
                tx.send_at(r.user, at, Outgoing::RetentionNotice { group: r.group })?;
                report.noticed += 1;
            }
            for key in &purge {
                let Some(r) = tx.get::<Registration>(tx.regs, "registrations", key)? else {
                    continue;
                };
                if matches!(due(&r, policy, now), Some(Due::Purge)) {
                    tx.remove_registration(key)?;
                    purged
                        .borrow_mut()
                        .push(super::keyring::Owner::record("registrations", key));
                    let gone = tx.drop_families_of(&r, &families)?;
                    purged.borrow_mut().extend(gone);
                    report.purged += 1;
                }
            }
            for id in &clear_events {
                if let Some(mut e) = tx.event(*id)? {
                    e.attendees.clear();
                    e.waiting.clear();
                    e.came.clear();
                    e.co_parents.clear();
                    tx.save_event(&e)?;
                    report.events_cleared += 1;
                }
            }
            for key in &drop_feedback {
                tx.events.remove(key.as_slice())?;
            }
            for (key, f) in &comments {
                if tx.events.get(key.as_slice())?.is_some() {
                    tx.put(tx.events, "events", key, f)?;
                    report.comments_cleared += 1;
                }
            }
            for key in &drop_broadcasts {
                if tx.events.remove(key.as_slice())?.is_some() {
                    report.broadcasts_cleared += 1;
                }
            }
            for id in &clear_launches {
                let Some(l) = tx.load_launch(*id)? else {
                    continue;
                };
                let mut regs = Vec::new();
                for inv in &l.invitations {
                    let key = tx.reg_key(inv.user, &l.pool.group);
                    if let Some(r) = tx.get::<Registration>(tx.regs, "registrations", &key)? {
                        regs.push(r);
                    }
                }
                let Some((cleared, ending)) = crate::domain::launch::clear_list(&l, &regs) else {
                    continue;
                };
                // The registrations still in the launch end with its list (quietly: nobody
                // withdrew, the list is simply gone), their shared families with them.
                for r in regs.iter().filter(|r| ending.contains(&r.user)) {
                    let key = tx.reg_key(r.user, &r.group);
                    tx.erase_registration(&key)?;
                    purged
                        .borrow_mut()
                        .push(super::keyring::Owner::record("registrations", &key));
                    let gone = tx.drop_families_of(r, &families)?;
                    purged.borrow_mut().extend(gone);
                    report.purged += 1;
                }
                tx.save_launch(&cleared)?;
                report.launches_cleared += 1;
            }
            Ok(report)
        })?;
        let mut doomed = purged.into_inner();
        doomed.extend(
            drop_feedback
                .iter()
                .map(|k| super::keyring::Owner::record("events", k)),
        );
        // On disk before the keys go (see `commit_unflushed`).
        self.flush_to_disk().await?;
        self.crypt.ring.destroy(&doomed, &self.crypt.ring_key)?;
        Ok(report)
    }

    /// Children grow ([`crate::domain::child::grow`]): every registration waiting for a
    /// children's group (or paused) whose child has aged out of the group by its expected start
    /// loses that child — the registration too when no child is left — in one transaction that
    /// keeps the counters in step, and the parent is told once. Returns how many children were
    /// taken out.
    pub async fn apply_growth(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let horizon = self.rules.horizon();
        // Transactions cannot scan: find the candidates first, decide again inside.
        let mut grown = Vec::new();
        for item in self.registrations.iter() {
            let (k, v) = item?;
            let r: Registration = match self.open_value("registrations", &k, &v) {
                Err(StoreError::Erased { .. }) => continue,
                other => other?,
            };
            if child::grow(&r, self.rules.ages(&r.group), horizon, now).is_some() {
                grown.push(k.to_vec());
            }
        }
        if grown.is_empty() {
            return Ok(0);
        }
        let removed = std::cell::RefCell::new(Vec::new());
        // Shared families follow their registration: read now, as a transaction cannot scan.
        let families = self.families()?;
        let n = self.transaction(now, |tx| {
            removed.borrow_mut().clear();
            let mut n = 0;
            for key in &grown {
                let Some(r) = tx.get::<Registration>(tx.regs, "registrations", key)? else {
                    continue;
                };
                let ages = tx.rules().ages(&r.group);
                let Some((rest, message)) = child::grow(&r, ages, horizon, now) else {
                    continue;
                };
                if let crate::domain::Outgoing::AgedOut { children, .. } = &message {
                    n += children.len();
                }
                // Both parents of a shared family are told (before the family may go).
                let other = tx.other_parent(&r, &families)?;
                match &rest {
                    Some(rest) => {
                        tx.save_registration(rest)?;
                        tx.follow_registration(rest, &families)?;
                    }
                    None => {
                        tx.remove_registration(key)?;
                        removed
                            .borrow_mut()
                            .push(super::keyring::Owner::record("registrations", key));
                        let gone = tx.drop_families_of(&r, &families)?;
                        removed.borrow_mut().extend(gone);
                    }
                }
                let at = tx.rules().daytime(now);
                if let Some(other) = other {
                    tx.send_at(other, at, message.clone())?;
                }
                tx.send_at(r.user, at, message)?;
            }
            Ok(n)
        })?;
        // On disk before the keys of removed registrations go (see `commit_unflushed`).
        self.flush_to_disk().await?;
        self.crypt
            .ring
            .destroy(&removed.into_inner(), &self.crypt.ring_key)?;
        Ok(n)
    }
}
