# kokoon — English. Warm, short and plain.
# HTML: only <b> and <i>. Arguments ($group etc.) arrive escaped from the code.

welcome =
    Hi! I'm kokoon. I gather interest in peer support groups, where families support each other.
    When enough families from the same area have signed up, the coordinator brings a group together and invites you.
welcome-short = Hi! I'm kokoon. Here you can register your interest in a peer support group.
choose-group = Which group are you interested in?
group-intro =
    <b>{ $group }</b>
    { $description }

ask-age = How old is your child? Pick the age or type it as a number.
ask-next-age = How old is the next child?
ask-more-children = Added: { $ages } years. Will another child join the group too?
btn-more-children = Add a child
btn-children-done = No more, continue
age-outside = { $group } is for children aged { $min }–{ $max }, so sadly a { $age }-year-old can't join this group.
age-other-groups = These groups suit that age:
age-no-other-group = Right now there is no group for that age. You can ask about other options: { $contact }.
ask-area = In which area could you attend?
ask-language = Which language should the group run in?
ask-times = Which times suit you? You can pick several. Tap <b>Done</b> when ready.
btn-time-checked = ✓ { $time }
btn-times-done = Done
ask-consent =
    <b>Before we save</b>
    We store your answers ({ $kind ->
        [children] the children's ages, area
       *[other] area
    }, language and times that suit) so that we know when there is enough interest for a group. The data is handled by { $organisation } and only the group's coordinators see it. You can delete your data at any time with /forget. More: /privacy
btn-consent-yes = I agree
btn-consent-no = I don't agree
no-consent = All right, nothing was saved. You can come back any time with /start.
ask-share = May the coordinator see your Telegram name and username so they can contact you? This is optional.
btn-share-yes = Yes, they may
btn-share-no = No, thanks

summary-title = <b>{ $group }</b>
summary-children = { $count ->
        [one] Child's age: { $ages }
       *[other] Children's ages: { $ages }
    }
summary-area = Area: { $area }
summary-language = Group language: { $language }
summary-times = Times that suit: { $times }
summary-share-yes = Your name is shown to the coordinator.
summary-share-no = Your name is not shown to the coordinator.
btn-confirm = Confirm
btn-change = Change
btn-cancel = Cancel
ask-change = What would you like to change?
btn-change-ages = Children's ages
btn-change-area = Area
btn-change-language = Language
btn-change-times = Times
btn-change-share = Showing my name
btn-back = Back

saved = Thank you! Your registration for { $group } is saved.
updated = Thank you! Your answers for { $group } are updated.
already-registered = You have already registered for { $group }. Here are your answers – you can confirm or change them.
standing-children = In { $area } there are now { $count } of { $threshold } children. We'll message you when the group can start.
standing-adults = In { $area } there are now { $count } of { $threshold } participants. We'll message you when the group can start.
standing-reached = In { $area } there is now enough interest ({ $count } of { $threshold }). The coordinator is bringing the group together and we'll message you soon.
mine-hint = You can see your registrations with /mine.

mine-title = { $count ->
        [one] You have one registration:
       *[other] You have { $count } registrations:
    }
mine-none = You have no registrations.
mine-group-gone = The group { $group } is no longer offered.
btn-edit = Change answers
btn-withdraw = Withdraw
withdraw-ask = Withdraw your registration for { $group }?
btn-withdraw-yes = Yes, withdraw
btn-keep = No, keep it
withdrawn = Your registration for { $group } has been withdrawn.
nothing-changed = All right, nothing was changed.
cancelled = Registration stopped. Nothing was saved.
nothing-to-cancel = There is nothing to cancel.

forget-ask = Delete all your data? Your registrations and everything else stored about you will be deleted for good.
btn-forget-yes = Yes, delete everything
forgotten = All your data has been deleted. You can come back any time with /start.

choose-lang = Valitse kieli / Välj språk / Choose language
ui-lang-fi = Suomi
ui-lang-sv = Svenska
ui-lang-en = English
lang-changed = I'll speak English now.
group-lang-fi = Finnish
group-lang-sv = Swedish
group-lang-en = English

help =
    <b>How to use kokoon</b>
    /start – pick a group
    /mine – your registrations
    /lang – change language
    /cancel – stop a registration
    /privacy – privacy
    /forget – delete all your data
    Questions? Contact: { $contact }
privacy =
    <b>Privacy</b>
    What we store: the language I speak with you and the answers in your registrations (children's ages, area, group language, times that suit). Your name and username only if you allow the coordinator to see them.
    Why: so that a group can be brought together once enough people are interested.
    Who sees it: only the group's coordinators. The controller is { $organisation }.
    How long: a registration is deleted after { $months } months, or at once when you withdraw it.
    Delete everything any time with /forget. Questions: { $contact }

hint-use-buttons = Please pick an option with the buttons below.
hint-not-text = I can only read text and buttons.
hint-unknown-command = I don't know that command. /help shows what I can do.
hint-stale-button = That button is from an old message.
hint-age = Please type the age as a number, for example 5.
hint-area = I couldn't find an area by that name. Please pick one with the buttons.
hint-pick-time = Please pick at least one time.
hint-group-gone = That group is no longer offered.
group-chat-only = Hi! I only talk in private chats. Send me a message: open my profile and tap Start.
something-wrong = Something went wrong. Please try again in a moment – nothing was lost.

cmd-start = Start and pick a group
cmd-mine = Your registrations
cmd-lang = Change language
cmd-cancel = Stop a registration
cmd-privacy = Privacy
cmd-forget = Delete all my data
cmd-help = Help and contact

## Coordinators

help-coordinator =
    <b>For coordinators</b>
    /demand – demand per area, with a chart
    /launch – launch a group and invite the families
    /export – demand as a CSV file
    /qr – a QR code for a poster
demand-title = <b>{ $group }</b> · threshold { $threshold } { $kind ->
        [children] children
       *[other] participants
    }
demand-none = No families waiting yet.
demand-pool = <b>{ $area }</b> { $bar } { $count }/{ $threshold } · { $families } { $families ->
        [one] family
       *[other] families
    }{ $kind ->
        [children] {" "}· ages { $ages }
       *[other] {""}
    }
    Times: { $times } · Language: { $langs }
demand-sources = Came from: { $sources }
source-direct = directly
btn-list = 📋 { $area }
btn-launch = 🚀 { $area }
chart-caption = { $group }: demand per area
chart-threshold = threshold { $threshold }
chart-children = children
chart-adults = participants
list-title = <b>{ $group }, { $area }</b>: waiting families in registration order
list-empty = No families waiting.
list-item = { $n }. { $kind ->
        [children] { $count } { $count ->
            [one] child
           *[other] children
        } (ages { $ages })
       *[other] { $count } adult
    } · { $language } · { $times } · { $since } · { $who }
a-family = a family (name not shared)
export-caption = Demand as a CSV file ({ $rows } rows). Opens in Excel.
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
csv-name = Name
csv-username = Username
answer-pending = not answered yet
answer-accepted = coming
answer-declined = can't come
answer-expired = did not answer in time
csv-answer = Answer
qr-choose = Which group's QR code would you like?
qr-caption = { $group }: scan and register. { $link }
launch-choose = Which group are you launching? The numbers are waiting participants / threshold.
launch-nothing = None of your groups has families waiting yet.
btn-launch-pool = { $group } · { $area } · { $count }/{ $threshold }
launch-ask-when = <b>{ $group }, { $area }</b>: when is the first meeting? Type for example <i>15.3. klo 17</i> or <i>2027-03-15 17:00</i>.
launch-bad-when = I couldn't read that time. Type for example <i>15.3. klo 17</i> or <i>2027-03-15 17:00</i>.
launch-past = That time has passed. Please give a time in the future.
launch-no-such-time = That time doesn't exist (the clocks change then). Please pick another time.
launch-too-far = That is more than two years away. Please give a nearer time.
launch-ask-place = Where is the meeting? Type the place, for example <i>Pikku-Veturi, Hyvinkää</i>.
launch-bad-place = Please type the place briefly (200 characters at most).
launch-summary =
    <b>Launch { $group }, { $area }?</b>
    First meeting: { $when }, { $place }
    Invitations go to { $families } families ({ $count } { $kind ->
        [children] children
       *[other] participants
    }) in registration order, { $capacity } places at most. They have { $hours } hours to answer; an unanswered place passes to the next in line.
btn-launch-confirm = Send the invitations
launch-started = The invitations are on their way. You'll see the answers here as they come, and the whole list at the end.
launch-cancelled = Launch cancelled. Nothing was sent.
alert-title = <b>{ $group }, { $area }: the threshold is reached!</b> The group can be launched.
alert-missed = Note: the alert about { $group }, { $area } could not be delivered to coordinator { $name }. We'll try again later.
answered = { $group }, { $area }: { $who } { $answer ->
        [yes] is coming
       *[other] can't come this time
    } ({ $count } { $kind ->
        [children] children
       *[other] participants
    }). Places taken { $accepted }/{ $capacity }.
final-title =
    <b>{ $group }, { $area }: final list</b>
    First meeting { $when }, { $place }. Places filled { $accepted }/{ $capacity }.
final-item = { $n }. { $who } – { $count } { $kind ->
        [children] children
       *[other] participants
    }
final-none = Nobody confirmed a place.
btn-export-launch = The list as a CSV file

## Messages to parents (the first line is neutral, so a lock-screen preview says nothing of the subject)

neutral-first = A message about your registration
invitation = <b>{ $group }</b> can start! The first meeting is { $when }, { $place }. There { $count ->
        [one] is a place
       *[other] are { $count } places
    } for your family. Can you come? Please answer within { $hours } hours.
btn-invite-yes = Yes, we'll come
btn-invite-no = Not this time
invite-accepted = Wonderful! See you { $when }, { $place }.
invite-declined = Thank you for letting us know. You stay in line for the next group – you can withdraw with /mine.
invite-closed = This invitation can no longer be answered.
invite-expired = The invitation to { $group } ran out, so the place passed to the next family. You stay in line for the next group.
