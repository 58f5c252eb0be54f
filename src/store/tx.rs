//! The inside of a store transaction: typed operations on the trees that change together, and
//! the bookkeeping that must never drift — demand counters follow registrations, a threshold
//! crossing is recorded once with its alerts, a launch's seats follow the answers.

use super::crypt::Crypt;
use crate::domain::launch::{LaunchRequest, Plan};
use crate::domain::{
    Answer, Launch, OutboxItem, Outgoing, Pool, PoolState, PoolStats, Registration, Rules, Status,
    UserId,
};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// An error inside a transaction: a decode failure aborts it, a storage error passes through.
#[derive(Debug)]
pub enum TxError {
    /// A value did not decode.
    Decode(&'static str, serde_json::Error),
    /// A sealed value did not open.
    Unsealed(&'static str),
    /// A data key could not be made (the keyring file could not be written).
    Keyring(super::keyring::RingError),
    /// A decision was taken on a record that has changed since: nothing is applied.
    Stale,
}

/// The result type of transactional operations.
pub type TxResult<T> = Result<T, ConflictableTransactionError<TxError>>;

/// The trees of one transaction, in the order the store passes them.
pub struct Tx<'a> {
    pub users: &'a TransactionalTree,
    pub regs: &'a TransactionalTree,
    pub counters: &'a TransactionalTree,
    pub pools: &'a TransactionalTree,
    pub outbox: &'a TransactionalTree,
    pub launches: &'a TransactionalTree,
    pub events: &'a TransactionalTree,
    pub updates: &'a TransactionalTree,
    pub families: &'a TransactionalTree,
    pub family_users: &'a TransactionalTree,
    crypt: &'a Crypt,
    rules: &'a dyn Rules,
    now: DateTime<Utc>,
    touched: RefCell<BTreeSet<Pool>>,
}

/// The outbox key: due time (ms, big-endian) then a sequence number, so a scan is in due order.
#[must_use]
pub fn outbox_key(due: DateTime<Utc>, seq: u64) -> Vec<u8> {
    let ms = u64::try_from(due.timestamp_millis()).unwrap_or(0);
    let mut k = ms.to_be_bytes().to_vec();
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

pub(super) fn abort(e: TxError) -> ConflictableTransactionError<TxError> {
    ConflictableTransactionError::Abort(e)
}

impl<'a> Tx<'a> {
    /// Wraps the transactional trees.
    pub fn new(
        t: [&'a TransactionalTree; 10],
        crypt: &'a Crypt,
        rules: &'a dyn Rules,
        now: DateTime<Utc>,
    ) -> Tx<'a> {
        let [users, regs, counters, pools, outbox, launches, events, updates, families, family_users] =
            t;
        Tx {
            crypt,
            users,
            regs,
            counters,
            pools,
            outbox,
            launches,
            events,
            updates,
            families,
            family_users,
            rules,
            now,
            touched: RefCell::new(BTreeSet::new()),
        }
    }

    /// Reads, opens (in a sealed tree) and decodes a value.
    pub fn get<T: DeserializeOwned>(
        &self,
        tree: &TransactionalTree,
        name: &'static str,
        key: &[u8],
    ) -> TxResult<Option<T>> {
        match tree.get(key)? {
            Some(v) => self.decode_live(name, key, &v),
            None => Ok(None),
        }
    }

    /// Opens (in a sealed tree) and decodes a value read under `key`; a value whose data key was
    /// destroyed (erased) is `None`.
    pub fn decode_live<T: DeserializeOwned>(
        &self,
        name: &'static str,
        key: &[u8],
        v: &[u8],
    ) -> TxResult<Option<T>> {
        match super::open_value(self.crypt, name, key, v) {
            Ok(t) => Ok(Some(t)),
            Err(super::StoreError::Erased { .. }) => Ok(None),
            Err(super::StoreError::Decode { tree, source }) => {
                Err(abort(TxError::Decode(tree, source)))
            }
            Err(_) => Err(abort(TxError::Unsealed(name))),
        }
    }

    /// Encodes, seals (in a sealed tree) and writes a value.
    pub fn put<T: Serialize>(
        &self,
        tree: &TransactionalTree,
        name: &'static str,
        key: &[u8],
        v: &T,
    ) -> TxResult<()> {
        let sealed = super::seal(self.crypt, name, key, v).map_err(|e| match e {
            super::StoreError::Keyring(e) => abort(TxError::Keyring(e)),
            _ => abort(TxError::Unsealed(name)),
        })?;
        tree.insert(key, sealed)?;
        Ok(())
    }

    /// The key of a user's registration for a group.
    pub fn reg_key(&self, user: UserId, group: &crate::domain::GroupId) -> Vec<u8> {
        super::reg_key(self.crypt, user, group)
    }

    /// The tag that stands for a user in keys.
    pub fn user_tag(&self, user: UserId) -> [u8; super::crypt::USER_TAG] {
        self.crypt.user_tag(user)
    }

    /// Creates or replaces a registration, keeping the counters in step.
    pub fn save_registration(&self, r: &Registration) -> TxResult<()> {
        let key = self.reg_key(r.user, &r.group);
        if let Some(old) = self.get::<Registration>(self.regs, "registrations", &key)? {
            self.count(&old, false)?;
        }
        self.put(self.regs, "registrations", &key, r)?;
        self.count(r, true)
    }

    /// Removes a registration. One that was invited to or accepted into a launch gives its
    /// seat back, and the launching coordinator is told.
    pub fn remove_registration(&self, key: &[u8]) -> TxResult<()> {
        self.take_registration(key, true)
    }

    /// Removes a registration of someone being erased: like [`Tx::remove_registration`], but the
    /// coordinator is not sent news naming them (their seat is freed all the same).
    pub fn erase_registration(&self, key: &[u8]) -> TxResult<()> {
        self.take_registration(key, false)
    }

    fn take_registration(&self, key: &[u8], tell: bool) -> TxResult<()> {
        let Some(old) = self.regs.remove(key)? else {
            return Ok(());
        };
        let Some(old) = self.decode_live::<Registration>("registrations", key, &old)? else {
            return Ok(());
        };
        self.count(&old, false)?;
        // Read what the registration's status and its launch point at; the rule decides.
        let l = match old.status {
            Status::Invited { launch } | Status::Accepted { launch } => self.load_launch(launch)?,
            Status::Waiting | Status::Paused { .. } => None,
        };
        let mut meetings = Vec::new();
        for id in l.as_ref().map(Launch::meeting_ids).unwrap_or_default() {
            if let Some(e) = self.event(id)? {
                meetings.push(e);
            }
        }
        let w = crate::domain::launch::withdraw_registration(
            &old,
            l.as_ref(),
            &meetings,
            tell,
            self.now,
            self.rules,
        );
        if let Some(applied) = &w.launch {
            // The registration is gone: only the launch and the news change.
            self.write_applied(applied, false)?;
        }
        for id in &w.leaves {
            self.forget_signup(old.user, *id)?;
        }
        for c in &w.events {
            self.apply(c)?;
        }
        for id in &w.leaves {
            for user in &w.co_parents {
                self.co_parent(*user, *id, false)?;
            }
        }
        Ok(())
    }

    /// Adds (or takes away) a registration's demand in its pool, if it is waiting; a paused
    /// one is counted apart ([`super::paused_key`]), for the coordinator's `/demand`.
    fn count(&self, r: &Registration, add: bool) -> TxResult<()> {
        let pool = self.rules.pool_of(r);
        let key = match r.status {
            Status::Waiting => pool.key(),
            Status::Paused { .. } => super::paused_key(&pool),
            Status::Invited { .. } | Status::Accepted { .. } => return Ok(()),
        };
        let mut c: PoolStats = self
            .get(self.counters, "counters", &key)?
            .unwrap_or_default();
        if add {
            c.add(r);
        } else {
            c.remove(r);
        }
        if c.families == 0 {
            self.counters.remove(key)?;
        } else {
            self.put(self.counters, "counters", &key, &c)?;
        }
        if r.status == Status::Waiting {
            self.touched.borrow_mut().insert(pool);
        }
        Ok(())
    }

    /// Changes a registration's status, keeping the counters in step.
    fn set_status(
        &self,
        user: UserId,
        group: &crate::domain::GroupId,
        status: Status,
    ) -> TxResult<Option<Registration>> {
        let key = self.reg_key(user, group);
        let Some(mut r) = self.get::<Registration>(self.regs, "registrations", &key)? else {
            return Ok(None);
        };
        if r.status == status {
            return Ok(Some(r));
        }
        self.count(&r, false)?;
        r.status = status;
        self.put(self.regs, "registrations", &key, &r)?;
        self.count(&r, true)?;
        Ok(Some(r))
    }

    /// Queues a message.
    pub fn enqueue(&self, item: OutboxItem) -> TxResult<()> {
        let seq = self.outbox.generate_id()?;
        self.put(self.outbox, "outbox", &outbox_key(item.due, seq), &item)
    }

    /// Queues a message due now.
    pub fn send(&self, to: UserId, message: Outgoing) -> TxResult<()> {
        self.send_at(to, self.now, message)
    }

    /// Queues a message due at a given time (a held kind not before quiet hours end: see
    /// [`crate::domain::outbox::when_to_send`]).
    pub fn send_at(&self, to: UserId, due: DateTime<Utc>, message: Outgoing) -> TxResult<()> {
        let due =
            crate::domain::outbox::when_to_send(&message, due, &self.rules.quiet_hours(), self.now);
        self.enqueue(OutboxItem {
            to,
            due,
            attempts: 0,
            message,
        })
    }

    /// The time of this transaction.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The rules it counts by.
    #[must_use]
    pub fn rules(&self) -> &dyn Rules {
        self.rules
    }

    /// Records a new launch; invitations follow when the plan is applied.
    pub fn create_launch(&self, req: &LaunchRequest) -> TxResult<u64> {
        let id = self.launches.generate_id()? + 1;
        // A plan that gives no series (the engine checked it) still launches its first meeting.
        let planned = crate::domain::series::launch_meetings(req, id)
            .unwrap_or_else(|_| vec![crate::domain::event::first_meeting(req, id)]);
        let mut meetings = Vec::new();
        for m in &planned {
            meetings.push(self.create_event(m)?);
        }
        let event = meetings.first().copied();
        self.pool_state(&req.pool, PoolState::launched)?;
        let launch = Launch {
            id,
            pool: req.pool.clone(),
            start: req.start,
            place: req.place.clone(),
            coordinator: req.coordinator,
            capacity: req.capacity,
            created_at: self.now,
            invitations: Vec::new(),
            closed: false,
            event,
            meetings,
        };
        self.put(self.launches, "launches", &id.to_be_bytes(), &launch)?;
        Ok(id)
    }

    /// Reads a launch.
    pub fn load_launch(&self, id: u64) -> TxResult<Option<Launch>> {
        self.get(self.launches, "launches", &id.to_be_bytes())
    }

    /// Writes a launch back.
    pub fn save_launch(&self, l: &Launch) -> TxResult<()> {
        self.put(self.launches, "launches", &l.id.to_be_bytes(), l)
    }

    /// A parent's answer to an invitation, by [`crate::domain::launch::answer`].
    pub fn respond(&self, user: UserId, launch: u64, accept: bool) -> TxResult<()> {
        let answer = if accept {
            Answer::Accepted
        } else {
            Answer::Declined
        };
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        match crate::domain::launch::answer(&l, user, answer, true) {
            Some(applied) => self.write_applied(&applied, true),
            None => Ok(()),
        }
    }

    /// Writes what a launch rule decided.
    pub(super) fn write_applied(
        &self,
        applied: &crate::domain::launch::Applied,
        statuses: bool,
    ) -> TxResult<()> {
        let l = &applied.launch;
        self.save_launch(l)?;
        if statuses {
            for (user, status) in &applied.statuses {
                self.set_status(*user, &l.pool.group, *status)?;
            }
        }
        for (to, message) in &applied.messages {
            self.send(*to, message.clone())?;
        }
        for event in l.meeting_ids() {
            for (user, join) in &applied.co_parents {
                self.co_parent(*user, event, *join)?;
            }
            for user in &applied.join_event {
                self.rsvp(*user, event, true)?;
            }
        }
        Ok(())
    }

    /// Applies a launch plan by [`crate::domain::launch::apply`]: reads the launch and the
    /// planned families' registrations, writes what it returns.
    pub fn apply_plan(
        &self,
        id: u64,
        plan: &Plan,
        families: &[crate::domain::family::Family],
    ) -> TxResult<()> {
        let Some(l) = self.load_launch(id)? else {
            return Ok(());
        };
        let mut current = Vec::new();
        for (user, _) in &plan.invite {
            let key = self.reg_key(*user, &l.pool.group);
            if let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? {
                current.push(r);
            }
        }
        // The invitations go when quiet hours allow; the answer time counts from then (and
        // from the actual delivery, see `Tx::delivered`).
        let invite_at = crate::domain::outbox::when_to_send(
            &Outgoing::Invitation { launch: id },
            self.now,
            &self.rules.quiet_hours(),
            self.now,
        );
        let in_pool = |r: &Registration| self.rules.pool_of(r) == l.pool;
        // Each family that shares its registration, by holder, with its other parent, as
        // stored now.
        let mut pairs = Vec::new();
        for f in families.iter().filter(|f| f.group == l.pool.group) {
            if let Some(f) =
                self.get::<crate::domain::family::Family>(self.families, "families", &f.id.0)?
            {
                if let Some(o) = &f.other {
                    pairs.push((f.holder, o.user));
                }
            }
        }
        match crate::domain::launch::apply(&l, plan, &current, in_pool, invite_at) {
            Some(applied) => self.write_applied(
                &crate::domain::launch::invite_families(applied, &pairs),
                true,
            ),
            None => Ok(()),
        }
    }

    /// The parent is still interested: the registration is confirmed, and a paused one waits
    /// again ([`Registration::renew`]).
    pub fn resume(&self, user: UserId, group: &crate::domain::GroupId) -> TxResult<()> {
        let key = self.reg_key(user, group);
        if let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? {
            if let Some(renewed) = r.renew(self.now) {
                self.save_registration(&renewed)?;
            }
        }
        Ok(())
    }

    /// Records what a delivered message starts (see [`crate::domain::launch::Launch::went`]).
    pub fn delivered(&self, item: &OutboxItem) -> TxResult<()> {
        match &item.message {
            Outgoing::Invitation { launch } => {
                if let Some(mut l) = self.load_launch(*launch)? {
                    if l.went(item.to, self.now) {
                        self.save_launch(&l)?;
                    }
                }
            }
            Outgoing::Alert { pool } => {
                let now = self.now;
                self.pool_state(pool, |s| s.alert_delivered(now))?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Records that a queued message was dropped unsent because its reason passed (the sender
    /// decided so by [`crate::domain::outbox::still_holds`]): an alert is counted.
    pub fn dropped(&self, item: &OutboxItem) -> TxResult<()> {
        if let Outgoing::Alert { pool } = &item.message {
            self.pool_state(pool, PoolState::alert_dropped)?;
        }
        Ok(())
    }

    /// Records that delivering a queued message was given up, not delivered.
    pub fn given_up(&self, item: &OutboxItem) -> TxResult<()> {
        if let Outgoing::Alert { pool } = &item.message {
            self.pool_state(pool, PoolState::alert_given_up)?;
        }
        Ok(())
    }

    /// Changes a pool's stored state.
    fn pool_state(&self, pool: &Pool, f: impl FnOnce(&mut PoolState)) -> TxResult<()> {
        let key = pool.key();
        let mut state: PoolState = self.get(self.pools, "pools", &key)?.unwrap_or_default();
        f(&mut state);
        self.put(self.pools, "pools", &key, &state)
    }

    /// Removes a user from events, launches, feedback and the outbox (for `/forget`).
    pub fn erase(
        &self,
        user: UserId,
        events: &[u64],
        launches: &[u64],
        keys: &[(&'static str, Vec<u8>)],
    ) -> TxResult<()> {
        for id in events {
            self.strike(user, *id)?;
        }
        for id in launches {
            if let Some(mut l) = self.load_launch(*id)? {
                l.invitations.retain(|i| i.user != user);
                self.save_launch(&l)?;
            }
            self.forget_in_crew(*id, user)?;
        }
        for (tree, key) in keys {
            match *tree {
                "events" => self.events.remove(key.as_slice())?,
                _ => self.outbox.remove(key.as_slice())?,
            };
        }
        Ok(())
    }

    /// Records threshold crossings of the pools this transaction touched, with one alert per
    /// coordinator of the group, by [`crate::domain::pool::settle`].
    pub fn settle(&self) -> TxResult<()> {
        for pool in self.touched.borrow().iter() {
            let Some(threshold) = self.rules.threshold(&pool.group) else {
                continue;
            };
            let key = pool.key();
            let demand: PoolStats = self
                .get(self.counters, "counters", &key)?
                .unwrap_or_default();
            let state: PoolState = self.get(self.pools, "pools", &key)?.unwrap_or_default();
            let coordinators = self
                .rules
                .coordinator_ids(crate::domain::remit::Scope::Area(&pool.group, &pool.area));
            let Some(settled) = crate::domain::pool::settle(
                pool,
                &state,
                demand.participants,
                threshold,
                &coordinators,
                self.rules.alert_cooldown(),
                self.now,
            ) else {
                continue;
            };
            for (to, message) in settled.messages {
                self.send(to, message)?;
            }
            self.put(self.pools, "pools", &key, &settled.state)?;
        }
        Ok(())
    }
}
