//! Registrations shared by both parents ([`crate::domain::family`]): the `families` tree, one
//! record per family sealed under the family's own data key, and the writes the rules decide.
//!
//! A transaction cannot scan, so the families a step can touch (the talking parent's, and the
//! one a link names) are read before it ([`Store::families_with`], [`Store::family_with_token`])
//! and read again by id inside it. A parent's families are found by the `family_users` index
//! (user tag → family ids), which every write of a family record keeps in step in the same
//! transaction ([`Tx::put_family`], [`Tx::remove_family`]).

use super::tx::{Tx, TxResult};
use super::{Store, StoreError};
use crate::domain::family::{self, Family, FamilyId, Leaving};
use crate::domain::{GroupId, Outgoing, Registration, Status, UserId};
use crate::flow::FamilyChange;

/// The `family_users` index: a parent's user tag → the ids of the shared families they are in.
pub type FamilyIndex = std::collections::BTreeMap<[u8; 16], Vec<FamilyId>>;

impl Store {
    /// Every shared family.
    pub fn families(&self) -> Result<Vec<Family>, StoreError> {
        self.values(&self.families, "families", &[])
    }

    /// The shared families a parent is in, by the index: no scan.
    pub fn families_with(&self, user: UserId) -> Result<Vec<Family>, StoreError> {
        let tag = self.users_key(user);
        let ids: Vec<FamilyId> = self
            .get(&self.family_users, "family_users", &tag)?
            .unwrap_or_default();
        let mut out = Vec::new();
        for id in ids {
            match self.get::<Family>(&self.families, "families", &id.0) {
                Ok(Some(f)) if f.has(user) => out.push(f),
                Ok(_) | Err(StoreError::Erased { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The index as it is stored: each user tag with its family ids (for checks: it equals
    /// [`Store::family_index_of`] the family records).
    pub fn family_index(&self) -> Result<FamilyIndex, StoreError> {
        let mut out = FamilyIndex::new();
        for item in self.family_users.iter() {
            let (k, v) = item?;
            let ids: Vec<FamilyId> = self.open_value("family_users", &k, &v)?;
            if let Ok(tag) = <[u8; 16]>::try_from(k.as_ref()) {
                out.insert(tag, ids);
            }
        }
        Ok(out)
    }

    /// What the index should hold for these family records: each parent's tag with the ids
    /// of the families they are in, sorted.
    #[must_use]
    pub fn family_index_of(&self, families: &[Family]) -> FamilyIndex {
        let mut out = FamilyIndex::new();
        for f in families {
            for u in f.parents() {
                out.entry(self.users_key(u)).or_default().push(f.id);
            }
        }
        for ids in out.values_mut() {
            ids.sort();
            ids.dedup();
        }
        out
    }

    /// The family whose unused link has this token.
    pub fn family_with_token(&self, token: &str) -> Result<Option<Family>, StoreError> {
        Ok(self.families()?.into_iter().find(|f| {
            f.link.as_ref().is_some_and(|l| l.token == token) || f.used.as_deref() == Some(token)
        }))
    }

    /// The families a step of `user` with `effects` can touch, read before its transaction.
    pub(super) fn families_touched(
        &self,
        user: UserId,
        effects: &[crate::flow::Effect],
    ) -> Result<Vec<Family>, StoreError> {
        use crate::flow::Effect;
        let touches = effects.iter().any(|e| {
            matches!(
                e,
                Effect::Family(_)
                    | Effect::Withdraw(_)
                    | Effect::Forget
                    | Effect::Respond { .. }
                    | Effect::SaveRegistration(_)
            )
        });
        if !touches {
            return Ok(Vec::new());
        }
        let mut out = self.families_with(user)?;
        for e in effects {
            if let Effect::Family(FamilyChange::Join { token, .. }) = e {
                if let Some(f) = self.family_with_token(token)? {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }

    /// The family keys a step destroys: those of families whose last parent leaves in it.
    pub(super) fn families_doomed(
        &self,
        user: UserId,
        effects: &[crate::flow::Effect],
        known: &[Family],
    ) -> Vec<super::keyring::Owner> {
        use crate::flow::Effect;
        // Whenever a parent leaves, the family's key goes: the record is sealed anew under a
        // new one (see [`FamilyId::next`]) or, with the last parent, deleted.
        let mut out = Vec::new();
        for f in known.iter().filter(|f| f.has(user)) {
            let leaves = effects.iter().any(|e| match e {
                Effect::Forget => true,
                Effect::Withdraw(g) => *g == f.group,
                Effect::Family(FamilyChange::Leave(id)) => *id == f.id && f.holder != user,
                Effect::Family(FamilyChange::Unlink(g)) => {
                    *g == f.group && f.holder == user && f.other.is_some()
                }
                // The other parent's old note: sealed anew too, so no old copy opens.
                Effect::Family(FamilyChange::Note { id, note }) => {
                    *id == f.id && family::note_replaced(f, user, note.as_deref())
                }
                _ => false,
            });
            if leaves {
                out.push(super::keyring::Owner::family(f.id.0));
            }
        }
        out
    }
}

impl Tx<'_> {
    fn family(&self, id: FamilyId) -> TxResult<Option<Family>> {
        self.get(self.families, "families", &id.0)
    }

    /// Writes a family record, and the index of who is in it: parents no longer in it lose
    /// the family, parents in it have it.
    pub(super) fn put_family(&self, f: &Family) -> TxResult<()> {
        let before = self.family(f.id)?;
        self.put(self.families, "families", &f.id.0, f)?;
        for u in before.iter().flat_map(Family::parents) {
            if !f.has(u) {
                self.unindex_family(u, f.id)?;
            }
        }
        for u in f.parents() {
            self.index_family(u, f.id)?;
        }
        Ok(())
    }

    /// Removes a family record, and the family from its parents' index.
    pub(super) fn remove_family(&self, id: FamilyId) -> TxResult<()> {
        let before = self.family(id)?;
        self.families.remove(&id.0)?;
        for u in before.iter().flat_map(Family::parents) {
            self.unindex_family(u, id)?;
        }
        Ok(())
    }

    fn family_ids(&self, user: UserId) -> TxResult<(Vec<u8>, Vec<FamilyId>)> {
        let tag = self.user_tag(user).to_vec();
        let ids = self
            .get::<Vec<FamilyId>>(self.family_users, "family_users", &tag)?
            .unwrap_or_default();
        Ok((tag, ids))
    }

    fn index_family(&self, user: UserId, id: FamilyId) -> TxResult<()> {
        let (tag, mut ids) = self.family_ids(user)?;
        if !ids.contains(&id) {
            ids.push(id);
            ids.sort();
            self.put(self.family_users, "family_users", &tag, &ids)?;
        }
        Ok(())
    }

    fn unindex_family(&self, user: UserId, id: FamilyId) -> TxResult<()> {
        let (tag, mut ids) = self.family_ids(user)?;
        let n = ids.len();
        ids.retain(|x| *x != id);
        if ids.is_empty() {
            self.family_users.remove(tag)?;
        } else if ids.len() != n {
            self.put(self.family_users, "family_users", &tag, &ids)?;
        }
        Ok(())
    }

    /// A parent left: the family record moves to its next id, sealed under a new key (the old
    /// key is destroyed after the commit).
    fn move_family(&self, f: &Family) -> TxResult<()> {
        self.remove_family(f.id)?;
        self.put_family(&Family {
            id: f.id.next(),
            ..f.clone()
        })
    }

    /// The family, as it is now, that `known` (read before the transaction) lists for `pick`.
    fn current(
        &self,
        known: &[Family],
        pick: impl Fn(&Family) -> bool,
    ) -> TxResult<Option<Family>> {
        for f in known.iter().filter(|f| pick(f)) {
            if let Some(now) = self.family(f.id)? {
                if pick(&now) {
                    return Ok(Some(now));
                }
            }
        }
        Ok(None)
    }

    /// Applies a parent's change to a shared family, by the rules of
    /// [`crate::domain::family`]. A change the rules refuse (a link used meanwhile, say)
    /// changes nothing.
    pub fn family_change(
        &self,
        user: UserId,
        change: &FamilyChange,
        known: &[Family],
    ) -> TxResult<()> {
        let now = self.now();
        match change {
            FamilyChange::Share {
                group,
                fresh,
                token,
                days,
            } => {
                let key = self.reg_key(user, group);
                let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? else {
                    return Ok(());
                };
                let existing = self.current(known, |f| f.holder == user && &f.group == group)?;
                let made = family::share(
                    &r,
                    existing.as_ref(),
                    *fresh,
                    token.clone(),
                    now,
                    chrono::Duration::days(i64::from(*days)),
                );
                if let Some(f) = made {
                    self.put_family(&f)?;
                }
            }
            FamilyChange::Revoke(group) => {
                if let Some(f) = self.current(known, |f| f.holder == user && &f.group == group)? {
                    if let Some(f) = family::revoke(&f) {
                        self.put_family(&f)?;
                    }
                }
            }
            FamilyChange::Join { token, other } => {
                let found = self.current(known, |f| {
                    f.link.as_ref().is_some_and(|l| &l.token == token)
                })?;
                if let Some(f) = found {
                    let key = self.reg_key(other.user, &f.group);
                    let own: Vec<Registration> = self
                        .get::<Registration>(self.regs, "registrations", &key)?
                        .into_iter()
                        .collect();
                    if let Ok(joined) = family::join(&f, token, other.clone(), &own, now) {
                        self.put_family(&joined)?;
                        self.join_invitation(&joined, other.user)?;
                    }
                }
            }
            FamilyChange::Unlink(group) => {
                if let Some(f) = self.current(known, |f| f.holder == user && &f.group == group)? {
                    if let Some(o) = &f.other {
                        let before = f.clone();
                        if let Leaving::Keep(after) = family::leave(&before, None, o.user, now) {
                            self.drop_from_invitation(&before, o.user)?;
                            self.move_family(&after)?;
                            self.send(
                                o.user,
                                Outgoing::FamilyUnlinked {
                                    group: group.clone(),
                                },
                            )?;
                        }
                    }
                }
            }
            FamilyChange::Note { id, note } => {
                // Moved to a new key exactly when the old key is destroyed after the commit
                // (decided on the same record, see `families_doomed`), so the record always
                // opens.
                let moves = known
                    .iter()
                    .any(|k| k.id == *id && family::note_replaced(k, user, note.as_deref()));
                if let Some(f) = self.family(*id)? {
                    if let Some(after) = family::set_note(&f, user, note.clone()) {
                        if moves {
                            self.move_family(&after)?;
                        } else {
                            self.put_family(&after)?;
                        }
                    }
                }
            }
            FamilyChange::Resume(id) => {
                if let Some(f) = self.family(*id)? {
                    let key = self.reg_key(f.holder, &f.group);
                    if let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? {
                        if let Some(resumed) = family::resume(&f, user, &r, now) {
                            self.save_registration(&resumed)?;
                        }
                    }
                }
            }
            FamilyChange::Leave(id) => {
                if let Some(f) = self.family(*id)? {
                    if let Leaving::Keep(after) = family::leave(&f, None, user, now) {
                        if f.other.as_ref().is_some_and(|o| o.user == user) {
                            self.drop_from_invitation(&f, user)?;
                            self.move_family(&after)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `user` leaves the families of `known` (all of theirs, or the one for `group`): before
    /// their own registration is removed (a withdrawal, `/forget`). The other parent takes the
    /// registration over, keeping the family's place in line and in a launch; the last parent
    /// takes the family record with them (its key is destroyed after the commit).
    pub fn leave_families(
        &self,
        user: UserId,
        group: Option<&GroupId>,
        known: &[Family],
    ) -> TxResult<()> {
        let now = self.now();
        for f in known.iter().filter(|f| group.is_none_or(|g| *g == f.group)) {
            let Some(f) = self.family(f.id)? else {
                continue;
            };
            if !f.has(user) {
                continue;
            }
            let key = self.reg_key(f.holder, &f.group);
            let r = self.get::<Registration>(self.regs, "registrations", &key)?;
            match family::leave(&f, r.as_ref(), user, now) {
                Leaving::Nothing => {}
                Leaving::Keep(after) => {
                    self.drop_from_invitation(&f, user)?;
                    self.move_family(&after)?;
                }
                Leaving::HandOver(after, taken) => {
                    self.move_family(&after)?;
                    let taken = self.hand_invitation_over(user, &taken)?;
                    self.save_registration(&taken)?;
                }
                Leaving::Last => {
                    self.remove_family(f.id)?;
                }
            }
        }
        Ok(())
    }

    /// A registration is purged by retention: a family that shares it goes with it (record
    /// and key; both parents' parts of it), as it has nothing left to share
    /// ([`family::orphaned`]). The keys to destroy after the commit.
    pub fn drop_families_of(
        &self,
        r: &Registration,
        known: &[Family],
    ) -> TxResult<Vec<super::keyring::Owner>> {
        let key = self.reg_key(r.user, &r.group);
        let now = self.get::<Registration>(self.regs, "registrations", &key)?;
        let mut doomed = Vec::new();
        for f in known
            .iter()
            .filter(|f| f.holder == r.user && f.group == r.group)
        {
            if let Some(f) = self.family(f.id)? {
                if family::orphaned(&f, now.as_ref()) {
                    self.remove_family(f.id)?;
                    doomed.push(super::keyring::Owner::family(f.id.0));
                }
            }
        }
        Ok(doomed)
    }

    /// The other parent of the family that shares registration `r`, as the family is now.
    pub fn other_parent(&self, r: &Registration, known: &[Family]) -> TxResult<Option<UserId>> {
        for f in known
            .iter()
            .filter(|f| f.holder == r.user && f.group == r.group)
        {
            if let Some(f) = self.family(f.id)? {
                if f.holder == r.user {
                    return Ok(f.other.map(|o| o.user));
                }
            }
        }
        Ok(None)
    }

    /// The family's registration `r` changed its children (the first parent changed them, or a
    /// child grew out of the group): the family record shows the other parent the children as
    /// they are now.
    pub fn follow_registration(&self, r: &Registration, known: &[Family]) -> TxResult<()> {
        for f in known
            .iter()
            .filter(|f| f.holder == r.user && f.group == r.group)
        {
            if let Some(mut f) = self.family(f.id)? {
                if f.children != r.children {
                    f.children.clone_from(&r.children);
                    self.put_family(&f)?;
                }
            }
        }
        Ok(())
    }

    /// The other parent joined a family whose registration was invited before: the invitation
    /// becomes both parents', by [`crate::domain::launch::parent_joins`].
    fn join_invitation(&self, f: &Family, other: UserId) -> TxResult<()> {
        let key = self.reg_key(f.holder, &f.group);
        let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? else {
            return Ok(());
        };
        let (Status::Invited { launch } | Status::Accepted { launch }) = r.status else {
            return Ok(());
        };
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        match crate::domain::launch::parent_joins(&l, f.holder, other) {
            Some(applied) => self.write_applied(&applied, false),
            None => Ok(()),
        }
    }

    /// The other parent left a family: an open invitation of the family is the holder's
    /// alone from now on, by [`crate::domain::launch::parent_leaves`].
    fn drop_from_invitation(&self, f: &Family, user: UserId) -> TxResult<()> {
        let key = self.reg_key(f.holder, &f.group);
        let Some(r) = self.get::<Registration>(self.regs, "registrations", &key)? else {
            return Ok(());
        };
        let (Status::Invited { launch } | Status::Accepted { launch }) = r.status else {
            return Ok(());
        };
        let Some(l) = self.load_launch(launch)? else {
            return Ok(());
        };
        match crate::domain::launch::parent_leaves(&l, user, f.holder) {
            Some(applied) => self.write_applied(&applied, true),
            None => Ok(()),
        }
    }

    /// The family's invitation (or accepted place) passes from the parent who leaves to the
    /// one who takes the registration over, so the family keeps its seat (by
    /// [`crate::domain::launch::parent_leaves`]). The registration taken over, with the
    /// status the rule gives it.
    fn hand_invitation_over(&self, from: UserId, taken: &Registration) -> TxResult<Registration> {
        let mut taken = taken.clone();
        let (Status::Invited { launch } | Status::Accepted { launch }) = taken.status else {
            return Ok(taken);
        };
        let Some(l) = self.load_launch(launch)? else {
            return Ok(taken);
        };
        let applied = match crate::domain::launch::parent_leaves(&l, from, taken.user) {
            Some(applied) => applied,
            // Not shared in the launch (invited before the other parent joined): the
            // invitation moves over as it is.
            None => {
                let mut next = l.clone();
                let Some(inv) = next.invitations.iter_mut().find(|i| i.user == from) else {
                    return Ok(taken);
                };
                inv.user = taken.user;
                crate::domain::launch::Applied {
                    launch: next,
                    statuses: Vec::new(),
                    messages: Vec::new(),
                    join_event: Vec::new(),
                    co_parents: Vec::new(),
                }
            }
        };
        if let Some((_, status)) = applied.statuses.iter().find(|(u, _)| *u == taken.user) {
            taken.status = *status;
        }
        self.write_applied(&applied, false)?;
        if let Status::Accepted { .. } = taken.status {
            // The family's seat is theirs now: signed up for every meeting of the series, in
            // place of being reminded beside the one who left.
            for event in l.meeting_ids() {
                self.take_family_seat(taken.user, event)?;
            }
        }
        Ok(taken)
    }
}
