//! The daily privacy jobs' store side: erasing parents who blocked the bot long ago, and
//! retention — registrations after `[privacy] retention_months` (with a notice a week before),
//! event sign-ups and launch invitations the same time after the event, feedback comments
//! after `comment_retention_months`. The sender runs them once a day ([`crate::sender`]).

use super::{Registration, Store, StoreError, StoredUser, UserId};
use crate::domain::privacy::{unconsented, Unconsented};
use crate::domain::{Feedback, OutboxItem, Outgoing};
use crate::flow::State;
use chrono::{DateTime, Duration, Months, Utc};
use std::collections::{BTreeSet, HashSet};

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
}

/// What one round of retention did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Parents told that a registration will be deleted.
    pub noticed: usize,
    /// Registrations deleted.
    pub purged: usize,
    /// Past events whose sign-up and waiting lists (and feedback) were deleted.
    pub events_cleared: usize,
    /// Closed launches whose invitations were deleted.
    pub launches_cleared: usize,
    /// Feedback comments deleted.
    pub comments_cleared: usize,
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

/// When a registration's retention ends.
#[must_use]
pub fn expires(r: &Registration, months: u32) -> DateTime<Utc> {
    add_months(r.updated_at, months)
}

/// What retention does with one registration now.
enum Due {
    Notice,
    Purge,
}

fn due(r: &Registration, policy: &Retention, now: DateTime<Utc>) -> Option<Due> {
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
        let traces = self.traces_of(user)?;
        let key = self.users_key(user);
        let erased = self.transaction(now, |tx| {
            let Some(u) = tx.get::<StoredUser>(tx.users, "users", &key)? else {
                return Ok(false);
            };
            if u.record.unreachable_since.is_none_or(|t| t > cutoff) {
                return Ok(false);
            }
            for k in &traces.registrations {
                tx.erase_registration(k)?;
            }
            tx.erase(user, &traces.events, &traces.launches, &traces.other_keys)?;
            tx.users.remove(&key)?;
            Ok(true)
        })?;
        if erased {
            self.flush_to_disk().await?;
        }
        Ok(erased)
    }

    /// The user tags of everyone with data beyond their conversation record: registrations,
    /// places in events, invitations, feedback, queued messages.
    fn data_holders(&self) -> Result<HashSet<Vec<u8>>, StoreError> {
        let tag_len = super::crypt::USER_TAG;
        let mut out = HashSet::new();
        for k in self.registrations.iter().keys() {
            out.extend(k?.get(..tag_len).map(<[u8]>::to_vec));
        }
        let mut users = BTreeSet::new();
        for e in self.events()? {
            users.extend(e.attendees.iter().chain(&e.waiting).copied());
        }
        for l in self.launches()? {
            users.extend(l.invitations.iter().map(|i| i.user));
        }
        for item in self.outbox.iter() {
            let (k, v) = item?;
            users.insert(self.open_value::<OutboxItem>("outbox", &k, &v)?.to);
        }
        for k in self.events.scan_prefix(b"f").keys() {
            let k = k?;
            out.extend(k.get(k.len().saturating_sub(tag_len)..).map(<[u8]>::to_vec));
        }
        out.extend(users.into_iter().map(|u| self.users_key(u).to_vec()));
        Ok(out)
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
            unconsented(u.record.seen_at, holders.contains(key), draft, now)
        };
        let mut candidates = Vec::new();
        for item in self.users.iter() {
            let (k, v) = item?;
            let u: StoredUser = self.open_value("users", &k, &v)?;
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
        for item in self.registrations.iter() {
            let (k, v) = item?;
            let r: Registration = self.open_value("registrations", &k, &v)?;
            match due(&r, policy, now) {
                Some(Due::Notice) => notice.push(k.to_vec()),
                Some(Due::Purge) => purge.push(k.to_vec()),
                None => {}
            }
        }
        let mut past_events = BTreeSet::new();
        let mut clear_events = Vec::new();
        for e in self.events()? {
            if add_months(e.end, policy.months) <= now {
                past_events.insert(e.id);
                if !e.attendees.is_empty() || !e.waiting.is_empty() {
                    clear_events.push(e.id);
                }
            }
        }
        let mut drop_feedback = Vec::new();
        let mut comments = Vec::new();
        for item in self.events.scan_prefix(b"f") {
            let (k, v) = item?;
            let event = k
                .get(1..9)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u64::from_be_bytes);
            if past_events.contains(&event) {
                drop_feedback.push(k.to_vec());
                continue;
            }
            let f: Feedback = self.open_value("events", &k, &v)?;
            if f.comment.is_some() && add_months(f.at, policy.comment_months) <= now {
                comments.push(k.to_vec());
            }
        }
        let clear_launches: Vec<u64> = self
            .launches()?
            .into_iter()
            .filter(|l| {
                l.closed && !l.invitations.is_empty() && add_months(l.start, policy.months) <= now
            })
            .map(|l| l.id)
            .collect();
        if notice.is_empty()
            && purge.is_empty()
            && clear_events.is_empty()
            && drop_feedback.is_empty()
            && comments.is_empty()
            && clear_launches.is_empty()
        {
            return Ok(RetentionReport::default());
        }

        let report = self.transaction(now, |tx| {
            let mut report = RetentionReport::default();
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
                    report.purged += 1;
                }
            }
            for id in &clear_events {
                if let Some(mut e) = tx.event(*id)? {
                    e.attendees.clear();
                    e.waiting.clear();
                    tx.save_event(&e)?;
                    report.events_cleared += 1;
                }
            }
            for key in &drop_feedback {
                tx.events.remove(key.as_slice())?;
            }
            for key in &comments {
                if let Some(mut f) = tx.get::<Feedback>(tx.events, "events", key)? {
                    if f.comment.take().is_some() {
                        tx.put(tx.events, "events", key, &f)?;
                        report.comments_cleared += 1;
                    }
                }
            }
            for id in &clear_launches {
                if let Some(mut l) = tx.load_launch(*id)? {
                    l.invitations.clear();
                    tx.save_launch(&l)?;
                    report.launches_cleared += 1;
                }
            }
            Ok(report)
        })?;
        self.flush_to_disk().await?;
        Ok(report)
    }
}
