# kokoon — English. Warm, short and plain.
# HTML: only <b> and <i>. Arguments ($group etc.) arrive escaped from the code.

welcome =
    Hi! I'm kokoon, a bot. I gather registrations for peer support groups, where families support each other.
    When enough families from the same municipality have registered, the coordinator brings a group together and invites you.
welcome-short = Hi! I'm kokoon, a bot. Here you can register for a peer support group.
choose-group = Which group are you interested in?
group-intro =
    <b>{ $group }</b>
    { $description }

ask-age = How old is your child? Pick the age, or type the month and year of birth, for example 3/2021.
ask-next-age = How old is the next child?
ask-more-children = Added: { $ages } years. Will another child take part?
btn-more-children = Add a child
btn-children-done = No more, continue
age-outside = { $group } is for children aged { $min }–{ $max }. Sadly a { $age }-year-old can't take part.
age-no-other-group = Right now there is no group for that age. You can ask about other options: { $contact }.
age-fits-other = { $group } suits a { $age }-year-old – register for it instead?
age-grows-out = { $group } is for children aged { $min }–{ $max }. A group could start in about { $months } months at the earliest, and by then your child will be { $age }.
age-type-birth-date = If your child's birthday is later in the year, type the month and year of birth, for example 9/2020, and I'll check again.
hint-birth-future = That date hasn't come yet. Type your child's month and year of birth, for example 3/2021, or pick the age.
hint-birth-too-old = The groups are for children under 18. Could you check the year of birth? For example 3/2021.
aged-out = Your child has grown: by the time { $group } could start, they will be { $age }, so we no longer count them for this group.
aged-out-kept = Your registration for { $group } continues for your other children.
aged-out-ended = Your registration for { $group } has now ended. Thank you for being with us!
aged-out-fits = These groups suit your child now:
btn-switch-group = Register for { $group }
btn-add-grown = Add the family to { $group }
cancel-ask = Stop your registration for { $group }? The answers you gave will be dropped.
btn-cancel-yes = Yes, stop
btn-go-on = No, go on
restart-ask = Your registration for { $group } isn't finished. Start again? The answers you gave will be dropped.
btn-restart = Start again
ask-area = In which municipality can you take part?
ask-language = In which language would you like the group to meet?
ask-times = Which times suit you? You can pick several. Tap <b>Done</b> when ready.
btn-time-checked = ✓ { $time }
btn-times-done = Done
ask-consent =
    <b>Before the questions</b>
    Next I'll ask { $kind ->
        [children] the children's ages, your municipality, the language and the times that suit you.
        [join] only the times that suit you: the children's ages, the group and the municipality are in the registration already.
       *[other] your municipality, the language and the times that suit you.
    } I save your answers only if you agree. They show when there are enough people for a group. The data is handled by { $organisation }, and only the group's coordinators see it. You can delete your data at any time with /forget. The full privacy notice: /privacy
btn-consent-yes = I agree
btn-consent-no = I don't agree
no-consent = All right, nothing was saved. You can come back any time with /start.
ask-share = May the coordinator and the group's facilitators see your Telegram name and username? Then they can contact you. This is optional.
btn-share-yes = Yes, they may
btn-share-no = No, thanks
ask-note = Is there anything else the coordinator should know? For example: not in the same group as a particular person. Write it here. Only the group's coordinators see it. This is optional.
ask-note-edit = Write a new message, or remove this one.
btn-no-note = Skip
btn-remove-note = Remove the message
btn-change-note = Message to the coordinator
summary-note = Message to the coordinator: { $note }
hint-note-long = The message is a little too long ({ $count } characters). Please write at most { $max }.
list-note = Message to the coordinator: { $note }
list-note-from = Message to the coordinator ({ $who }): { $note }
note-by-holder = the parent who registered
note-by-other = the child's other parent

summary-title = <b>{ $group }</b>
summary-children = { $count ->
        [one] Child's age: { $ages }
       *[other] Children's ages: { $ages }
    }
summary-area = Municipality: { $area }
summary-language = Group language: { $language }
summary-times = Times that suit: { $times }
summary-share-yes = Your name is shown to the coordinator and the group's facilitators.
summary-share-no = Your name is not shown to the coordinator or the group's facilitators.
btn-confirm = Confirm
btn-change = Change
btn-cancel = Cancel
ask-change = What would you like to change?
btn-change-ages = Children's ages
btn-change-area = Municipality
btn-change-language = Language
btn-change-times = Times
btn-change-share = Showing my name
btn-back = Back
btn-keep-answer = Keep as it is
kept-answer = Your earlier answer: { $answer }. Type a new one or keep it.

saved = Thank you! Your registration for { $group } is saved.
updated = Thank you! Your registration for { $group } is updated.
already-registered = You have already registered for { $group }. Here are your answers – you can confirm or change them.
standing-children = { $count ->
        [one] 1 child has
       *[other] { $count } children have
    } been registered in { $place } so far. The group can start once there are { $threshold }. You'll get a message when the group is brought together.
standing-adults = { $count ->
        [one] 1 person has
       *[other] { $count } people have
    } registered in { $place } so far. The group can start once there are { $threshold }. You'll get a message when the group is brought together.
standing-reached = Enough people have now registered in { $place }, so the group can start. The coordinator is bringing it together and you'll get a message soon.
mine-hint = You can see your registrations with /mine.

mine-title = { $count ->
        [one] You have one registration:
       *[other] You have { $count } registrations:
    }
mine-none = You have no registrations.
mine-group-gone = The group { $group } is no longer offered.
mine-paused = Your registration is paused because the invitation was not answered in time. Are you still interested?
mine-invited = You are invited to the group! The first meeting is { $when }, { $place }. Please answer by { $deadline }.
mine-accepted = You're in the group. The first meeting is { $when }, { $place }.
mine-family-declined = You answered that you can't come this time. The place is kept for your family until the child's other parent has answered.
mine-declined = You couldn't come to the first meeting this time ({ $when }). You stay in line for the next group.
btn-of-group = { $group }: { $action }
btn-edit = Change answers
btn-withdraw = Withdraw
withdraw-ask = Withdraw your registration for { $group }?
btn-withdraw-yes = Yes, withdraw
btn-keep = No, keep it
withdrawn = Your registration for { $group } has been withdrawn.
retention-notice = Your registration for { $group } will be deleted in a week. If you want to keep it, tell us you are still interested – with the button below or with /mine.
btn-still-interested = I'm still interested
still-interested-thanks = Thank you! Your registration for { $group } stays.
renewal-ask = You registered for { $group } a while ago. Are you still interested? If you don't answer within { $days } days, your registration is paused: it does not count and you are not invited until you continue it.
mine-paused-unrenewed = Your registration is paused because we got no answer to the question about your interest. It does not count and you are not invited. Would you like to continue?
nothing-changed = All right, nothing was changed.
cancelled = All right, stopped. Unfinished answers were not saved.
nothing-to-cancel = There is nothing to stop.
forget-ask = Delete all your data? Your registrations and everything else stored about you will be deleted at once and can no longer be read. { $backup_days ->
        [0] Encrypted backups still hold them until newer backups replace them.
       *[other] Encrypted backups still hold them for up to { $backup_days } days, until newer ones replace them.
    } Messages the coordinator has already received (such as a list with your name, if you allowed it) stay in their Telegram.
btn-forget-yes = Yes, delete everything
forgotten = All your data has been deleted and can no longer be read. { $backup_days ->
        [0] Encrypted backups hold them until newer ones replace them.
       *[other] Encrypted backups hold them for up to { $backup_days } days longer.
    } Messages the coordinator has already received stay in their Telegram. You can come back any time with /start.

choose-lang = Valitse kieli / Välj språk / Choose language
ui-lang-fi = Suomi
ui-lang-sv = Svenska
ui-lang-en = English
lang-changed = I'll speak English now.
group-lang-fi = Finnish
group-lang-sv = Swedish
group-lang-en = English
lang-in-fi = in Finnish
lang-in-sv = in Swedish
lang-in-en = in English
help =
    <b>How to use the bot</b>
    /start – pick a group
    /events – upcoming events
    /mine – your registrations
    /lang – change language
    /cancel – stop answering (unfinished answers are not saved)
    /privacy – privacy
    /forget – delete all your data
    Questions? Contact: { $contact }
privacy =
    <b>Privacy notice</b>
    <b>Controller</b>: { $organisation } ({ $controller_contact }).
privacy-area-controller = For registrations in { $area }, the controller is { $name } ({ $contact }).
privacy-body =
    <b>Why</b>: so that a peer group can be brought together once enough people in the same municipality are interested, and so that you can sign up for events. The lawful basis is your consent (EU General Data Protection Regulation, Article 6(1)(a)). You can withdraw it at any time.
    <b>What we store</b>: registrations (children's ages, municipality, group language, times that suit, when you gave your consent, and your message to the coordinator if you wrote one), event sign-ups, feedback and comments, invitations to groups, attendance at the group's meetings (the coordinator marks who came), where you are in a conversation and the language I speak with you, and how you heard of the service (the poster's or link's source). Your name and username only if you allow the coordinator to see them.
    <b>Who sees what</b>: a group's coordinators see the registrations for their group, your name only with your permission. Once the group starts, its facilitators see the participants: the children's ages, and your name only with your permission. An event's organiser sees who signed up and the feedback. Nothing is given to anyone else.
    <b>Telegram</b>: messages go through Telegram (Telegram Messenger Inc., outside the EU), which handles them under its own terms. Please don't write sensitive details in messages.
    <b>How long</b>: a registration is deleted { $months } months after you last confirmed it (while you wait, we ask every { $renew_months } months whether you are still interested; otherwise we tell you a week before), or at once when you withdraw it. Event sign-ups, feedback and invitations are deleted { $months } months after the event, comments after { $comment_months } months. If you start a registration but don't consent, the language and where you are in the conversation are deleted after 24 hours. If you block the bot, all your data is deleted after { $grace_days } days. The data is stored encrypted. Deleted data stays in encrypted backups { $backup_days ->
        [0] until newer ones replace them
       *[other] for up to { $backup_days } days
    }; messages already sent to a coordinator stay in their Telegram.
    <b>Your rights</b>: get all your data as a file with /mydata, rectify it with /mine, and erase everything with /forget. To restrict or object to the processing, contact: { $contact }.
    You have the right to lodge a complaint with the supervisory authority: the Office of the Data Protection Ombudsman, tietosuoja.fi.

hint-use-buttons = Please pick an option with the buttons below.
hint-not-text = I can only read text and buttons.
hint-unknown-command = I don't know that command. /help shows what I can do.
hint-stale-button = That button is from an old message. Please use the buttons of the newest one.
hint-age = Please type the age as a number, for example 5, or the month and year of birth, for example 3/2021.
hint-area = I couldn't find a municipality by that name. Please pick one with the buttons.
hint-pick-time = Please pick at least one time.
hint-group-gone = That group is no longer offered.
group-chat-only = Hi! I only talk in private chats. Send me a message: open my profile and tap Start.
something-wrong = Something went wrong. Please try again in a moment. Nothing was lost.
slow-down = One moment – messages are coming faster than I can read them. Please wait a little and send your last message again.

cmd-start = Start and pick a group
cmd-mine = Your registrations
cmd-lang = Change language
cmd-cancel = Stop answering
cmd-privacy = Privacy
cmd-forget = Delete all my data
cmd-help = Help and contact

## Coordinators

help-coordinator =
    <b>For coordinators</b>
    /demand – registrations per municipality, with a chart
    /launch – launch a group and invite the families
    /export – registrations as a CSV file
    /qr – a QR code for a poster
    /newevent – a new event
    /broadcast – a message to participants or waiting families
    /feedback – feedback on events
    /report – feedback report: an event, a series or a period (chart and CSV)
    /attendance – attendance: who came to a group's meetings
    /add – add a family who has no Telegram
demand-title = <b>{ $group }</b> · the group can start with { $threshold } { $kind ->
        [children] children
       *[other] participants
    }
demand-none = No families waiting yet.
demand-pool = <b>{ $area }</b> { $bar } { $count }/{ $threshold } { $kind ->
        [children] children
       *[other] participants
    } · { $families } { $families ->
        [one] family
       *[other] families
    }{ $kind ->
        [children] {" "}· ages { $ages }
       *[other] {""}
    }
    Times that suit (families): { $times } · Language (families): { $langs }
demand-columns = <i>Municipality { $kind ->
        [children] children/{ $threshold } · families · ages
       *[other] participants/{ $threshold } · families
    }</i>
demand-pool-line = <b>{ $area }</b> { $count }/{ $threshold } · { $families }{ $kind ->
        [children] {" "}· { $ages }
       *[other] {""}
    }
demand-group-details = Times that suit (families): { $times } · Language (families): { $langs }
demand-sources = Source: { $sources }
demand-paused = Paused: { $families } { $families ->
        [one] family
       *[other] families
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] child
           *[other] children
        }
       *[other] { $count ->
            [one] adult
           *[other] adults
        }
    }) – not counted
source-direct = direct link
source-added = added by hand
btn-list = 📋 List: { $area }
btn-launch = 🚀 Launch: { $area }
chart-threshold = threshold { $threshold }
chart-children = children
chart-adults = participants
chart-answers = answers
list-title = <b>{ $group }, { $area }</b>: waiting families in registration order
list-empty = No families waiting.
list-same-ages = ↳ same children's ages as no. { $n }: the same child from each parent? If so, ask the one who registered later to withdraw and the other to share their registration (/mine).
list-item = { $n }. { $kind ->
        [children] { $count } { $count ->
            [one] child
           *[other] children
        } (ages { $ages })
       *[other] { $count } { $count ->
            [one] adult
           *[other] adults
        }
    } · { $language } · { $times } · { $since } · { $who }
a-family = a family (name not shared)
export-caption = Registrations as a CSV file ({ $rows } { $rows ->
        [one] row
       *[other] rows
    }). Opens in Excel.
export-launch-caption = { $group }, { $area }: the invited families as a CSV file. Names only of those who agreed.
csv-group = Group
csv-area = Area
csv-language = Language
csv-families = Families
csv-participants = Participants
csv-threshold = Threshold
csv-ages = Ages (age:count)
csv-times = Times
csv-sources = Sources (source:families)
csv-direct = Families who came directly
csv-added = Families added by a coordinator
csv-name = Name
csv-username = Username
answer-pending = not answered yet
answer-accepted = coming
answer-declined = can't come
answer-expired = did not answer in time
answer-withdrawn = accepted, withdrew later
csv-answer = Answer
qr-choose = Which group's QR code would you like?
qr-caption = { $group }: scan and register. { $link }
launch-choose = Which group are you launching? The numbers: how many have registered / how many the group needs to start.
launch-nothing = Nobody has registered for your groups yet.
btn-launch-pool = { $group } · { $area } · { $count }/{ $threshold }
launch-ask-when = <b>{ $group }, { $area }</b>: when is the first meeting? Type for example <i>15.3. klo 17</i> or <i>2027-03-15 17:00</i>.
launch-bad-when = I couldn't read that time. Type for example <i>15.3. klo 17</i> or <i>2027-03-15 17:00</i>.
launch-past = That time has passed. Please give a time in the future.
launch-no-such-time = That time doesn't exist (the clocks change then). Please pick another time.
launch-too-far = That is more than two years away. Please give a nearer time.
launch-ask-end = When does the meeting end? Type a time (for example <i>18:30</i>) or a length (for example <i>90 min</i> or <i>1.5 h</i>).
launch-bad-end = I couldn't read that. Type a time after the start (for example <i>18:30</i>) or a length (for example <i>90 min</i>), 12 hours at most.
launch-ask-place = Where is the meeting? Type the place, for example <i>Pikku-Veturi, Hyvinkää</i>.
launch-bad-place = Please type the place briefly (200 characters at most).
launch-summary =
    <b>Launch { $group }, { $area }?</b>
    First meeting: { $when } – { $until }, { $place }
    Invitations go to { $families } { $families ->
        [one] family
       *[other] families
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] child
           *[other] children
        }
       *[other] { $count ->
            [one] participant
           *[other] participants
        }
    }) in registration order. There are { $capacity } places at most. Each family has { $hours } { $hours ->
        [one] hour
       *[other] hours
    } to answer; if they don't, the place passes to the next in line.
btn-launch-confirm = Send the invitations
launch-started = The invitations are on their way. You'll see the answers here as they come, and the whole list at the end.
launch-started-at = The invitations go at { $time }, when the quiet hours end. You'll see the answers here as they come, and the whole list at the end.
launch-cancelled = Launch cancelled. Nothing was sent.
alert-title = <b>{ $group }, { $area }: the threshold is reached!</b> The group can be launched.
alert-missed = Note: the alert about { $group }, { $area } could not be delivered to coordinator { $name }. We'll try again later.
answered = { $group }, { $area }: { $who } { $answer ->
        [yes] is coming
        [withdrew] has withdrawn and won't come to the meetings any more
       *[other] can't come this time
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] child
           *[other] children
        }
       *[other] { $count ->
            [one] participant
           *[other] participants
        }
    }). Places taken { $accepted }/{ $capacity }.
final-title =
    <b>{ $group }, { $area }: final list</b>
    First meeting { $when }, { $place }. Places filled { $accepted }/{ $capacity }.
final-item = { $n }. { $who } – { $count } { $kind ->
        [children] { $count ->
            [one] child
           *[other] children
        }
       *[other] { $count ->
            [one] participant
           *[other] participants
        }
    }
final-none = Nobody confirmed a place.
btn-export-launch = The list as a CSV file

## Messages to parents (the first line is neutral, so a lock-screen preview says nothing of the subject)

neutral-first = A message about your registration
coordinator-first = kokoon: news for the coordinator
event-first = A message about an event you signed up for
invitation = <b>{ $group }</b> can start! The first meeting is { $when }, { $place }. There { $count ->
        [one] is a place
       *[other] are { $count } places
    } for your family. Can you come? Please answer by { $deadline }.
btn-invite-yes = Yes, we'll come
btn-invite-no = Not this time
invite-accepted = Wonderful! See you { $when }, { $place }.
invite-declined = Thank you for letting us know. You stay in line for the next group – you can withdraw with /mine.
invite-closed = This invitation can no longer be answered.
invite-expired = The time to answer the invitation to { $group } ran out, so the invitation lapsed. Your registration is now paused: it does not count towards a new group. Are you still interested?
btn-resume = Yes, keep my place in line
resumed = You're in line again for { $group }.

## Events

cmd-events = Upcoming events
plain = { $text }
events-none = There are no upcoming events right now. Check again later!
btn-numbered = { $n } · { $label }
events-title = { $count ->
        [one] Upcoming event:
       *[other] Upcoming events ({ $count }):
    }
event-card =
    <b>{ $title }</b>
    { $when } – { $until }, { $place }
event-seats = Places left: { $count }
event-full = The event is full. In the waiting list: { $waiting }.
event-no-limit = There is plenty of room.
event-you-attend = ✓ You are signed up.
event-you-wait = You are number { $position } in the waiting list. We'll tell you if a place frees up.
btn-event-join = Sign up
btn-event-join-share = Sign up and show my name
btn-event-hide-name = Hide my name
event-consent-notice = By signing up you agree that your sign-up is stored: the organiser sees how many are coming, and your name only if you choose so. It is deleted { $months } months after the event, or when you cancel. More: /privacy
event-name-hidden = Your name is no longer shown to the organiser. You are still signed up.
btn-event-queue = Join the waiting list
btn-event-leave = Cancel my place
btn-event-leave-queue = Leave the waiting list
btn-event-calendar = Add to calendar
event-joined = You're signed up: { $title }. We'll remind you before the event.
event-queued = { $title } is full, so you're in the waiting list. We'll tell you at once if a place frees up.
event-left = Your place is cancelled: { $title }.
event-over = This event is already over or cancelled.
event-calendar-caption = { $title }: open the file to add it to your calendar.
event-organiser-info = Signed up { $attending }, waiting { $waiting }.
event-coming = Coming: { $families } { $families ->
        [one] family
       *[other] families
    }, { $children } { $children ->
        [one] child
       *[other] children
    }:
event-coming-family = • { $who } – { $children } { $children ->
        [one] child
       *[other] children
    }
event-coming-adult = • { $who }
event-coming-more = … and { $count } more
event-link = { $kind ->
        [launch] Link (opens only for the group's families and coordinators):
       *[other] Link to share:
    } { $link }
btn-event-edit = ✏️ Edit
btn-event-cancel = ✖ Cancel the event
btn-event-message = 📣 Message the participants
btn-event-feedback = ⭐ Feedback
reminder-first = Reminder: event { $when }
event-changed-first = The event's details have changed:
event-cancelled-notice = The event is cancelled: { $title } ({ $when }). We're sorry!
event-promoted = A place freed up – you're in!

## Creating and editing events

new-event-title = A new event. What is it called?
new-event-bad-title = Please type the name briefly (120 characters at most).
new-event-group = Does the event belong to a group?
btn-no-group = No group
no-group = no group
new-event-start = When does it start? Type for example <i>15.3. klo 17</i> or <i>2027-03-15 17:00</i>.
new-event-end = When does it end? Type the time, for example <i>19</i> or <i>18.30</i>.
new-event-bad-end = I couldn't read the end time, or it is before the start. Type for example <i>19</i>.
new-event-place = Where is the event?
new-event-capacity = How many participants fit? Type a number.
btn-no-limit = No limit
no-limit = no limit
new-event-bad-capacity = Please type a number from 1 to 10000, or choose “No limit”.
new-event-description = Type a short description (or skip).
new-event-bad-description = Please make the description shorter (1000 characters at most).
btn-skip = Skip
new-event-summary =
    <b>{ $title }</b>
    Group: { $group }
    { $when } – { $until }, { $place }
    Places: { $capacity }
    Languages: { $languages }
btn-create-event = Create the event
btn-translate = Add a translation { $language }
new-event-translate-title = The event's name { $language }:
new-event-translate-description = The description { $language } (or skip):
new-event-created = The event is created. Parents see it with /events.
new-event-bad-value = I couldn't use that. Please type the new value again.
edit-event-which = What would you like to change in { $title }?
btn-field-start = Start
btn-field-end = End
btn-field-place = Place
btn-field-capacity = Places
btn-field-title = Name
btn-field-description = Description
event-updated = Saved. { $count } { $count ->
        [one] person
       *[other] people
    } signed up will be told of the change.
cancel-event-ask = Cancel { $title }? { $count } { $count ->
        [one] person
       *[other] people
    } signed up will be told.
btn-cancel-event-yes = Yes, cancel the event
event-cancelled-done = { $title } is cancelled. { $count } { $count ->
        [one] person
       *[other] people
    } signed up will be told.
action-cancelled = Stopped. Nothing was saved.

## Broadcasts

broadcast-choose = Who should the message go to?
btn-audience-event = Participants: { $title } ({ $count })
btn-audience-waiting = Waiting: { $group } ({ $count })
btn-audience-invited = Invited, no answer yet: { $group }, { $area } ({ $count })
btn-audience-accepted = Coming: { $group }, { $area } ({ $count })
broadcast-nobody = Nobody to send it to right now, so nothing is sent.
broadcast-ask-text = Type the message. It goes to { $count } recipients.
broadcast-bad-text = Please type the message (3000 characters at most).
broadcast-preview =
    Send this to { $count } recipients?

    { $text }
btn-broadcast-send = Send
broadcast-queued = The message goes to { $count } recipients. You'll get a report when everything is sent.
broadcast-first = A message from the coordinator
broadcast-report = Your message was sent to { $total } recipients: { $sent } delivered, { $unreachable } unreachable, { $failed } failed.

## Feedback

feedback-ask = Thank you for taking part in { $title }! How was it? A few short questions – your answers are anonymous.
feedback-q-useful = Was it useful to you?
feedback-q-continue = Would you like something like this to continue?
feedback-q-rating = How was it overall? Choose 1 (poor) – 5 (excellent).
feedback-q-comment = Anything to add? Type a short comment or skip.
btn-feedback-yes = Yes
btn-feedback-partly = Partly
btn-feedback-no = No
feedback-comment-ask = Type a short comment or skip.
feedback-done = Thank you for your feedback!
feedback-comment = – { $text }

## Feedback report

report-choose = What would you like a feedback report on? Choose a series, an event or a period.
report-none = No past events to report on yet.
btn-report-period = 📅 Period
report-from = From which month?
report-to = Until which month?
report-usage = Type /report for a menu. A period can also be typed like this: /report 2027-03 2027-05
report-title = <b>Feedback: { $scope }</b>
report-event-line = { $event }: { $count } { $count ->
        [one] answer
       *[other] answers
    }
report-count = { $count } answers in all.
report-too-few = Fewer than { $min } answers: I show only the count, so that no one can be recognised.
report-useful = Useful: yes { $yes } %, partly { $partly } %, no { $no } % ({ $count } answered)
report-continue = Want it to continue: yes { $yes } %, no { $no } % ({ $count } answered)
report-rating = Mean rating { $mean } ({ $count } answered) · 5 ★: { $d5 } · 4 ★: { $d4 } · 3 ★: { $d3 } · 2 ★: { $d2 } · 1 ★: { $d1 }
report-comments = <b>Comments</b>
report-chart-caption = Feedback: { $scope }
report-csv-caption = The same as a table (CSV).
report-q-useful = Useful
report-q-continue = Continue
report-q-rating = Rating
report-answer-yes = yes
report-answer-partly = partly
report-answer-no = no
csv-report-question = Question
csv-report-answer = Answer
csv-report-count = Count
csv-report-share = Share (%)
csv-report-event = Event
csv-report-answers = Answers
csv-report-mean = Mean
csv-report-comment = Comment

## /mydata: everything stored about the person, as files

cmd-mydata = My data as a file
mydata-caption = Here is everything stored about you: a readable text and, below, the same as JSON. You can correct it with /mine and delete everything with /forget.
mydata-json-caption = The same data as JSON.
mydata-title = Your data in kokoon ({ $date })
mydata-language = The language I speak with you: { $language }
mydata-state = Where you are in a conversation: { $state }
mydata-registrations = Registrations: { $count }
mydata-family-shared = You have shared your registration for { $group } with the child's other parent. Their answers are their own and are not shown here.
mydata-family-link = You have made a link with which the child's other parent can join your registration for { $group }.
mydata-family-other = You are part of the other parent's registration for { $group } (you joined { $joined }). Stored about you:
mydata-name = Name shown to the coordinator: { $name }
mydata-source = How you heard of the service: { $source }
mydata-saved = Saved { $created }, last changed { $updated }
mydata-consent = Consent to store given { $at } (privacy notice version { $version })
mydata-consent-unrecorded = Consent given before the times of consents were recorded
mydata-share-consent = Permission to show your name given { $at } (version { $version })
mydata-share-withdrawn = Permission to show your name withdrawn { $at }
mydata-may-appear = Seen by the coordinators of { $group } ({ $coordinators }): the waiting list (your name only with your permission), the registration counts and their chart, and the table (counts per municipality, no names).
mydata-events = Event sign-ups: { $count }
mydata-event = { $title }, { $when }, { $place }: { $status ->
        [waiting] on the waiting list
        [family] reminders (your family has a place)
       *[other] signed up
    }
mydata-feedback = Feedback on { $title }: { $answers }
mydata-invitation = Invitation to { $group } ({ $when }): { $answer ->
        [accepted] coming
        [declined] not this time
        [expired] the time to answer ran out
       *[other] waiting for your answer
    }
mydata-audit = Who has seen your data (coordinators' and facilitators' views, files and messages are logged, and the log is kept { $months } months):
mydata-audit-none = No coordinator or facilitator has viewed a list, downloaded a file or sent a message that included you (the log is kept { $months } months).
mydata-seen = { $at }: { $who } { $what ->
        [list] viewed the waiting list you were on
        [launch] viewed the group's list of participants you were on
        [attendance] viewed the attendance of a meeting you were on
        [export] downloaded a table that included you
        [family] added or changed a family by hand
       *[broadcast] sent a message that also went to you
    }
mydata-former-coordinator = a former coordinator
mydata-as-facilitator = (facilitator)
mydata-former-facilitator = a former facilitator

## Meeting series and attendance
launch-ask-series = <b>{ $group }</b> meets { $count } times, { $days ->
        [7] once a week
        [14] every other week
       *[other] every { $days } days
    }. The meetings:
launch-series-meeting = { $n }. { $when }
launch-series-skipped = – { $date }: no meeting
launch-series-help = To change them: type the number of meetings (for example <i>6</i>), <i>-3</i> leaves out the third week, <i>4: 7 Apr 6 pm</i> moves the fourth meeting. When the dates are right, press the button.
launch-bad-series = That did not fit the series. Check the number and the time: 1 to 20 meetings, and they must not overlap.
launch-summary-series = { $count } meetings, { $days ->
        [7] once a week
        [14] every other week
       *[other] every { $days } days
    }; the last on { $last }
btn-series-change = 📅 Change the meetings
btn-series-ok = ✅ The dates are right
btn-series-weekly = Once a week
btn-series-fortnightly = Every other week
btn-series-move-rest = 🕒 Move this and later ones
btn-series-cancel-rest = Cancel this and later ones
btn-series-cancel-rest-yes = Yes, cancel them
series-move-ask = When should the meeting on { $when } be? The later meetings move as much ({ $count } in all). Type for example <i>18 Mar 5 pm</i>.
series-move-bad = I could not move the meetings that way. Type a time still to come that does not overlap another meeting, for example <i>18 Mar 5 pm</i>.
series-moved = Moved { $count } { $count ->
        [one] meeting
       *[other] meetings
    }. The families get one message about the change.
series-cancel-ask = Cancel the meeting on { $when } and every one after it ({ $count } in all)? The families get one message.
series-cancelled = Cancelled { $count } { $count ->
        [one] meeting
       *[other] meetings
    }. The families get one message about the change.
series-changed-title = The meetings of { $title } have changed:
series-changed-moved = • { $when }, { $place }
series-changed-cancelled = • { $when }: cancelled
btn-meeting-move = 🕒 Move this meeting
btn-meeting-cancel = ✖ Cancel this meeting
btn-attendance = ✅ Who came
attendance-none = The groups have had no meetings yet.
attendance-choose = Which meeting's attendance do you want to mark?
attendance-title = <b>{ $title }</b>, { $when }: { $came }/{ $count } came. Mark who came – press again if a mark is wrong.
attendance-empty = Nobody was signed up for the meeting.
attendance-family = family
btn-attend-came = ✅ { $who }
btn-attend-not-yet = ⬜ { $who }
report-attendance = Attendance per meeting:
report-attendance-line = { $event }: { $came }/{ $count } families
csv-report-attendance = Attendance
mydata-attendance = You came: { $title }, { $when }

## Both parents, one child (a registration shared with the child's other parent)
family-offer = May the child's other parent register too? If you like, you get a link to send them yourself. They will see the children's ages, the group and the area, and the meeting's time and place once one of you has accepted a place. The children are then counted only once. This is optional.
btn-family-share = Give me a link for the other parent
family-link = Here is a link for the child's other parent ({ $group }). It works once, for { $days } days:
    { $link }
    Send it to them yourself. They will see the children's ages, the group and the area, and the meeting's time and place once one of you has accepted a place. They will not see your name or your answers.
btn-family-revoke = Take the link back
family-no-link = The link could not be made just now. Please try again in a moment.
family-revoked = The link is taken back. It can no longer be used.
family-already-shared = This registration is already shared with the child's other parent.
family-link-unknown = This link does not work. It may have been taken back or copied wrongly. Ask for a new link, or register yourself with /start.
family-link-expired = This link has expired. Ask for a new link, or register yourself with /start.
family-link-used = This link has been used already, and it works only once. You can register yourself with /start.
family-link-own = This is your own link. Send it to the child's other parent.
family-link-has-own = You have already registered for this group yourself. So that the children are counted once, withdraw your own registration first (/mine), then open the link again.
family-already-in = You are already part of the registration for <b>{ $group }</b> that the child's other parent shared with you (/mine). To register for it yourself, leave that one first.
family-invite = The child's other parent has shared a registration for <b>{ $group }</b> with you.
    Area: { $area }
    Children's ages: { $ages }
    If you join, the children are counted only once, and you are invited to the meeting just as they are. You answer the invitation yourself.
family-ask-times = You can choose the times that suit you. This is optional: press Done when you are ready.
family-joined = Thank you! You are now part of the registration for { $group } ({ $area }, children's ages { $ages }). You can see it with /mine and leave at any time.
family-unlinked = The registration for { $group } is no longer shared with you. Nothing of it stays with you. You can register yourself with /start.
family-unlink-done = All right. The other parent is no longer part of your registration. They were told briefly.
btn-family-unlink = Stop sharing
family-left = All right. You are no longer part of the registration for { $group }. Your answers are deleted; the registration stays with the other parent.
btn-family-leave = Leave
family-mine-shared = The registration for { $group } is shared with the child's other parent.
family-mine-link = The link for the other parent ({ $group }) works until { $until }.
family-mine-other = You are part of the other parent's registration for <b>{ $group }</b>.
    Area: { $area }
    Children's ages: { $ages }
family-mine-paused = Your family's registration is paused: it does not count for now, and you will not be invited. Would you like to continue it?
family-accepted = Your family's place in <b>{ $group }</b> is confirmed: the child's other parent accepted it. The first meeting is { $when }, { $place }.
family-expired = Nobody answered your family's invitation to { $group } in time, so it expired. Your family's registration is paused now and does not count towards a new group. Either of you can take it up again: with the button below or with /mine.
family-note-saved = All right, your message to the coordinator is saved. Only the group's coordinator sees it.
family-note-removed = All right, your message to the coordinator is removed.

## Group facilitators

facilitator-first = kokoon: news for a facilitator
fac-list-title = <b>Group facilitators</b>
fac-list-item = • { $name }: { $groups }{ $how ->
        [config] {" "}(in the settings)
       *[chat] {""}
    }
fac-list-none = Your groups have no facilitators yet. Invite one with a one-time link.
btn-fac-remove = Remove { $name }
btn-fac-invite = Invite a facilitator
fac-remove-ask = Remove { $name } as a facilitator of { $groups }? They get a short message about it.
btn-fac-remove-yes = Yes, remove
fac-removed = { $name } no longer facilitates your groups.
fac-invite-ask = Which groups are you inviting them to facilitate? Choose one or more.
btn-fac-invite-make = Make the invitation link
fac-invite-link =
    Here is a one-time invitation link ({ $groups }). Give it to the facilitator only – it works once, for { $days } days:
    { $link }
fac-join-ask-name = Welcome! You have been invited to facilitate: { $groups }. What name should the coordinators see? Please type your name.
fac-join-ask-consent =
    Thank you, { $name }! kokoon stores your name, your Telegram id and the groups you facilitate ({ $groups }), so that the coordinators can arrange the groups with you. You see your own groups only. You can delete your data at any time with /forget. Do you agree?
fac-join-bad-name = Please type your name (64 characters at most).
fac-join-no-consent = All right, nothing was stored. The link still works if you change your mind.
fac-link-not-valid = This invitation link does not work (it was used already or has expired). Please ask the coordinator for a new one.
fac-joined = You are now a facilitator: { $groups }. Thank you! /group shows the group's participants, /write sends a message to its families, and /support asks the coordinator for help.
fac-group-choose = Which group would you like to see?
fac-group-not-launched = { $group }: the group has not started yet. We will tell you when it does.
fac-group-title =
    <b>{ $group }, { $area }</b>
    First meeting { $when }, { $place }. { $accepted } { $kind ->
        [children] { $accepted ->
            [one] child
           *[other] children
        }
       *[other] { $accepted ->
            [one] participant
           *[other] participants
        }
    } coming.
fac-group-item = { $n }. { $who }{ $kind ->
        [children] { " " }– { $count } { $count ->
            [one] child
           *[other] children
        }, aged { $ages }
       *[other] {""}
    }
fac-support-choose = Which group's coordinator are you writing to?
fac-support-ask = Write your message to the coordinator of { $group }. It is passed on as it is.
fac-support-sent = Thank you! Your message was passed on to the coordinator of { $group }.
fac-joined-news = { $name } is now a facilitator: { $groups }.
fac-removed-news = You no longer facilitate { $groups }. Warm thanks for your work!
fac-support-news =
    Facilitator { $name } (Telegram id { $id }) asks for support with { $group }:

    { $text }
mydata-facilitator = As a group facilitator: name { $name }, groups { $groups }.
mine-share-again = Your name is shown to the coordinator only. May the group's facilitators see it too? Then they know who is coming to the group.
btn-share-again = Yes, the facilitators too
share-again-done = Thank you! The group's facilitators now see your name too. You can take this back by changing your answers in /mine.

fac-proposal = Could you facilitate <b>{ $group }, { $area }</b>? The first meeting would be { $when }, { $place }.
btn-proposal-yes = Yes, I can
btn-proposal-no = Not this time
fac-proposal-yes = Thank you! The coordinator is told. You see the participants with /group.
fac-proposal-no = Thank you for letting us know. The coordinator is told.
fac-proposal-answered = { $name } { $yes ->
        [yes] can facilitate
       *[no] cannot facilitate
    } { $group }, { $area } ({ $when }).
launch-crew-none = Facilitators: choose whom to ask. Each gets the proposed time and place and answers yes or no.
launch-crew-hold = Asking: { $names }. The invitations to families go only once the first facilitator has said yes.
launch-crew-at-once = Asking: { $names }. The invitations to families go at once.
btn-launch-ask = Ask { $name }
btn-launch-ask-all = Ask all the group's facilitators
btn-launch-at-once = Send the invitations at once
btn-launch-hold = Wait for a facilitator's yes
launch-started-hold = The proposal goes to the facilitators. The invitations to families go when the first one says yes. You see the answers here.
launch-crew-asked = The proposal goes to the facilitators too. You see their answers here.

fac-write-none = The group you facilitate has not started yet, so there are no families to write to.
fac-write-choose = Which group's families are you writing to?
btn-fac-write-to = { $group }, { $area } ({ $when }): { $count } { $count ->
        [one] family
       *[other] families
    }
fac-write-ask = Type a message to the families of <b>{ $group }, { $area }</b> ({ $count }). It goes as it is; one written at night goes in the morning.
group-message-first = A message from the group's facilitator
launch-still-held = The invitations to families are still waiting for a facilitator's yes.
btn-launch-release = Send the invitations now
launch-released = All right! The invitations go to the families.
cmd-group = Your group's participants
cmd-write = A message to the group's families
cmd-support = Ask the coordinator for help
cmd-attendance = Who came to the meetings
help-facilitator =
    <b>For facilitators</b>
    /group – the participants of the groups you facilitate
    /write – a message to the group's families
    /support – ask the coordinator for help
    /attendance – who came to the meetings
final-facilitators = Facilitators: { $names }
final-no-facilitator = None of the facilitators asked has said yes.

## Families without Telegram (/add)

add-list = Families you added ({ $count }). Their invitations and other messages come to you, and you answer for the family.
add-list-item = { $label } · { $group }, { $area } · { $status }
add-status-waiting = waiting
add-status-invited = invited, answer awaited
add-status-accepted = coming
add-status-paused = paused
add-status-aged-out = the child grew out of the group
add-aged-out-ended = The family's registration for { $group } is no longer on the waiting list and does not count. Tell the family about the groups that fit now. When you no longer need the registration, withdraw it.
btn-add-edit = Change: { $label }
btn-add-withdraw = Withdraw: { $label }
btn-add-new = ➕ Add a family
add-ask-group = You are adding a family who registered by phone, on paper or in person. Which group?
add-ask-area = In which municipality can the family take part?
add-ask-language = In which language would the family like the group to meet?
add-ask-ages = How old is the child? ({ $min }–{ $max })
add-ask-more-ages = Children: { $ages }. Add another child or go on.
add-ask-times = Which times suit the family? Choose one or more.
add-kept = Your earlier answer: { $answer }
add-ask-label = Last, write a short label to recognise the family by (a surname and a place, say), at most { $max } characters. Only the group's coordinators see it. The family is saved when you send the label.
add-ask-how = How did the family consent to their details being stored?
add-how-phone = By phone
add-how-paper = On paper
add-how-in-person = In person
add-ask-when = On which day? Choose, or write the day, for example 3.12.
btn-add-today = Today
btn-add-yesterday = Yesterday
add-hint-label = Please write a label of 1–40 characters.
add-hint-day = I didn't recognise that day. Write, for example, 3.12. – not in the future and not over a year ago.
add-hint-age = The child won't be of this group's ages when it could start. If their birthday is later in the year, type the birth month, for example 3/2021.
add-summary =
    <b>{ $group }</b>
    Municipality: { $area }
    Group language: { $language }
    Times that suit: { $times }
    Consent: { $how }, { $on }
add-summary-note = The family counts like any other. Invitations and other messages for the family come to you, and you answer for the family.
add-summary-label = Label: <b>{ $label }</b>
add-ask-label-edit = Save, or write a new label to save the changes with it.
btn-add-save = Save
add-saved = Added: { $label } ({ $group }, { $area }). The family is now waiting. Their messages come to you. /add shows the families you added.
add-updated = Saved: { $label } ({ $group }, { $area }).
add-for-family = A family you added: <b>{ $label }</b>
added-mark = (added by hand)
