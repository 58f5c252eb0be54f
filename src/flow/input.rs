//! What a user can send, parsed from text the same way for every front end.

/// A command kokoon knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `/lang`: choose the language.
    Lang,
    /// `/cancel`: leave the registration in progress.
    Cancel,
    /// `/mine`: my registrations.
    Mine,
    /// `/forget`: delete everything about me.
    Forget,
    /// `/privacy`: what is stored and why.
    Privacy,
    /// `/mydata`: everything stored about me, as files (the right of access).
    MyData,
    /// `/help`: commands and a contact person.
    Help,
    /// `/demand` (coordinators): demand per area, with a chart.
    Demand,
    /// `/export` (coordinators): demand as a CSV file.
    Export,
    /// `/launch` (coordinators): launch a group in an area.
    Launch,
    /// `/qr` (coordinators): a QR code of a group's deep link, for posters.
    Qr,
    /// `/events`: upcoming events.
    Events,
    /// `/newevent` (coordinators): create an event.
    NewEvent,
    /// `/broadcast` (coordinators): a message to an event's people or a group's waiting families.
    Broadcast,
    /// `/feedback` (coordinators): feedback of an event.
    Feedback,
    /// `/report` (coordinators): feedback of an event, a series or a period, with a chart and
    /// a CSV file.
    Report,
    /// `/attendance` (coordinators): mark who came to a launched group's meetings.
    Attendance,
    /// `/facilitators` (coordinators): the facilitators of their groups; invite or remove one.
    Facilitators,
    /// `/group` (facilitators): the launched groups they facilitate and their participants.
    Group,
    /// `/support` (facilitators): a message to the group's coordinators.
    Support,
    /// `/write` (facilitators): a message to the families of a launch of their group.
    Write,
    /// `/add` (coordinators): add a family without Telegram by hand, or see those added.
    Add,
}

impl Command {
    /// Every command, in the order shown in `/help` and registered with Telegram (after `/start`).
    pub const ALL: [Command; 8] = [
        Command::Events,
        Command::Mine,
        Command::Lang,
        Command::Cancel,
        Command::Privacy,
        Command::MyData,
        Command::Forget,
        Command::Help,
    ];

    /// The coordinators' commands. To anyone else they are unknown commands.
    pub const COORDINATOR: [Command; 11] = [
        Command::Facilitators,
        Command::Demand,
        Command::Add,
        Command::Launch,
        Command::Export,
        Command::Qr,
        Command::NewEvent,
        Command::Broadcast,
        Command::Feedback,
        Command::Report,
        Command::Attendance,
    ];

    /// The facilitators' commands. To anyone else they are unknown commands.
    pub const FACILITATOR: [Command; 3] = [Command::Group, Command::Write, Command::Support];

    /// Whether only facilitators may use the command.
    #[must_use]
    pub fn for_facilitators(self) -> bool {
        Command::FACILITATOR.contains(&self)
    }

    /// Whether only coordinators may use the command.
    #[must_use]
    pub fn for_coordinators(self) -> bool {
        Command::COORDINATOR.contains(&self)
    }

    /// The command's name without the slash.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Command::Lang => "lang",
            Command::Cancel => "cancel",
            Command::Mine => "mine",
            Command::Forget => "forget",
            Command::Privacy => "privacy",
            Command::MyData => "mydata",
            Command::Help => "help",
            Command::Demand => "demand",
            Command::Export => "export",
            Command::Launch => "launch",
            Command::Qr => "qr",
            Command::Events => "events",
            Command::NewEvent => "newevent",
            Command::Broadcast => "broadcast",
            Command::Feedback => "feedback",
            Command::Report => "report",
            Command::Attendance => "attendance",
            Command::Facilitators => "facilitators",
            Command::Group => "group",
            Command::Support => "support",
            Command::Write => "write",
            Command::Add => "add",
        }
    }
}

/// One input from the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `/start`, with the deep-link payload if any (unparsed: the engine parses it).
    Start(Option<String>),
    /// A known command.
    Command(Command),
    /// A command kokoon does not know.
    UnknownCommand,
    /// Plain text.
    Text(String),
    /// A button press, with the raw callback data.
    Button(String),
    /// A sticker, photo, voice message or anything else that is not text.
    Unsupported,
    /// `/feedback [event id]` (coordinators).
    FeedbackFor(Option<u64>),
    /// `/report [month [month]]` (coordinators), the months unparsed (the engine parses them).
    ReportFor(Option<String>),
}

impl Input {
    /// Parses a text message: commands (also `/cmd@botname`), `/start <payload>`, or plain text.
    #[must_use]
    pub fn from_text(text: &str) -> Input {
        let t = text.trim();
        let Some(rest) = t.strip_prefix('/') else {
            return Input::Text(text.to_owned());
        };
        let (head, arg) = match rest.split_once(char::is_whitespace) {
            Some((h, a)) => (h, Some(a.trim())),
            None => (rest, None),
        };
        let name = head
            .split('@')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match name.as_str() {
            "start" => Input::Start(arg.filter(|a| !a.is_empty()).map(str::to_owned)),
            "lang" | "language" | "kieli" | "sprak" => Input::Command(Command::Lang),
            "cancel" | "peru" | "avbryt" => Input::Command(Command::Cancel),
            "mine" => Input::Command(Command::Mine),
            "forget" => Input::Command(Command::Forget),
            "privacy" => Input::Command(Command::Privacy),
            "mydata" => Input::Command(Command::MyData),
            "help" | "apua" | "hjalp" => Input::Command(Command::Help),
            "demand" => Input::Command(Command::Demand),
            "add" => Input::Command(Command::Add),
            "export" => Input::Command(Command::Export),
            "launch" => Input::Command(Command::Launch),
            "qr" => Input::Command(Command::Qr),
            "events" | "tapahtumat" | "evenemang" => Input::Command(Command::Events),
            "newevent" => Input::Command(Command::NewEvent),
            "broadcast" => Input::Command(Command::Broadcast),
            "attendance" | "lasnaolo" | "narvaro" => Input::Command(Command::Attendance),
            "facilitators" | "ohjaajat" | "ledare" => Input::Command(Command::Facilitators),
            "group" | "ryhma" | "grupp" => Input::Command(Command::Group),
            "support" | "tuki" | "stod" => Input::Command(Command::Support),
            "write" | "kirjoita" | "skriv" => Input::Command(Command::Write),
            "feedback" => Input::FeedbackFor(arg.and_then(|a| a.parse().ok())),
            "report" | "raportti" | "rapport" => {
                Input::ReportFor(arg.filter(|a| !a.is_empty()).map(str::to_owned))
            }
            _ => Input::UnknownCommand,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        assert_eq!(Input::from_text("/start"), Input::Start(None));
        assert_eq!(
            Input::from_text("/start tilli-toukka__x"),
            Input::Start(Some("tilli-toukka__x".into()))
        );
        assert_eq!(
            Input::from_text("/help@kokoon_bot"),
            Input::Command(Command::Help)
        );
        assert_eq!(Input::from_text("/HELP"), Input::Command(Command::Help));
        assert_eq!(Input::from_text("/nope"), Input::UnknownCommand);
        assert_eq!(Input::from_text("/"), Input::UnknownCommand);
        assert_eq!(Input::from_text("5"), Input::Text("5".into()));
    }
}
