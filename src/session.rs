//! What a dialogue says and how it moves, as plain code over the generated catalogue:
//! no sockets and no clocks, so every rule is testable directly. The socket loop in
//! `connection` paces the frames these produce.

use crate::catalogue::{Chunk, Locale, Report, State};
use crate::price::Price;
use crate::protocol::{self, Answer, ClientError, Fill, First, Payment, Status};
use crate::report_url;

/// A dialogue the socket loop can drive: it produces a run of frames (a chunk), then
/// either waits for the client's next message or ends the conversation.
pub trait Dialogue {
    /// Handles a client message that arrives while the bot waits for one. On `Ok`, a new
    /// run of `frame_count` frames is ready.
    fn on_message(&mut self, text: &str) -> Result<(), ClientError>;
    /// Checks a message that arrives while the bot is still sending; a valid one is ignored.
    fn check_while_sending(&self, text: &str) -> Result<(), ClientError>;
    /// Frames in the current run.
    fn frame_count(&self) -> usize;
    /// Frame `index` of the current run.
    fn frame(&self, index: usize) -> String;
    /// Whether the conversation ends (close 1000) after the current run.
    fn ends_after_run(&self) -> bool;
    /// Where the conversation stands, for logs: its locale and step, once known.
    fn position(&self) -> (Option<Locale>, Option<&'static str>);
    /// The report this dialogue is about.
    fn report(&self) -> Report;
}

/// The engagement dialogue of one visitor, once the first message arrived.
#[derive(Debug)]
pub struct Engagement {
    state: State,
    locale: Locale,
    price: Price,
    /// The currency, escaped once for JSON strings.
    currency_json: Box<str>,
}

impl Engagement {
    pub fn start(report: Report, first: &First) -> Engagement {
        let mut currency_json = String::with_capacity(first.currency.len());
        protocol::escape_into(&mut currency_json, &first.currency);
        Engagement {
            state: report.start(first.new_visitor),
            locale: first.lang,
            price: first.price,
            currency_json: currency_json.into_boxed_str(),
        }
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// Moves on with the visitor's answer: a known option's way, or the default one.
    pub fn answer(&mut self, answer: &Answer) {
        if let Some(lang) = answer.lang {
            self.locale = lang;
        }
        self.state = self.state.next(answer.option.as_deref());
    }

    pub fn chunk(&self) -> &'static Chunk {
        self.state.chunk(self.locale)
    }

    /// Message `index` of the current step's chunk as a frame.
    pub fn frame(&self, index: usize) -> String {
        let chunk = self.chunk();
        let last = index + 1 == chunk.messages.len();
        let status = if last && !self.state.is_purchase() {
            Status::Waiting {
                options_json: chunk.options_json,
            }
        } else {
            Status::Sending
        };
        let fill = Fill {
            price: self.price,
            locale: self.locale,
            currency_json: &self.currency_json,
        };
        protocol::bot_frame(&chunk.messages[index], Some(&fill), status, None)
    }
}

/// `/ws/chat/<report>`: waits for the first message, then walks the steps.
#[derive(Debug)]
pub struct EngagementDialogue {
    pub report: Report,
    pub session: Option<Engagement>,
}

impl Dialogue for EngagementDialogue {
    fn on_message(&mut self, text: &str) -> Result<(), ClientError> {
        match &mut self.session {
            None => self.session = Some(Engagement::start(self.report, &First::parse(text)?)),
            Some(session) => session.answer(&Answer::parse(text)?),
        }
        Ok(())
    }

    fn check_while_sending(&self, text: &str) -> Result<(), ClientError> {
        Answer::parse(text).map(drop)
    }

    fn frame_count(&self) -> usize {
        self.session
            .as_ref()
            .map_or(0, |s| s.chunk().messages.len())
    }

    fn frame(&self, index: usize) -> String {
        self.session
            .as_ref()
            .map(|s| s.frame(index))
            .unwrap_or_default()
    }

    fn ends_after_run(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.state.is_purchase())
    }

    fn report(&self) -> Report {
        self.report
    }

    fn position(&self) -> (Option<Locale>, Option<&'static str>) {
        self.session
            .as_ref()
            .map_or((None, None), |s| (Some(s.locale), Some(s.state.name())))
    }
}

/// `/ws/chat-success/<report>`: one client message, one series of messages, the end.
#[derive(Debug)]
pub struct PaymentDialogue {
    pub report: Report,
    /// The reading path with `{report_id}` already filled in.
    pub reading_path: std::sync::Arc<str>,
    pub outcome: Option<Outcome>,
}

/// What the post-payment bot says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub locale: Locale,
    /// The reading link after a successful payment; `None` after a failed one.
    pub report_url: Option<String>,
}

impl PaymentDialogue {
    pub fn new(report: Report, reading_path: std::sync::Arc<str>) -> Self {
        PaymentDialogue {
            report,
            reading_path,
            outcome: None,
        }
    }
}

impl Dialogue for PaymentDialogue {
    fn on_message(&mut self, text: &str) -> Result<(), ClientError> {
        let payment = Payment::parse(text)?;
        let report_url = match &payment.params {
            Some(params) => Some(report_url::build(&self.reading_path, self.report, params)?),
            None => None,
        };
        self.outcome = Some(Outcome {
            locale: payment.lang,
            report_url,
        });
        Ok(())
    }

    fn check_while_sending(&self, text: &str) -> Result<(), ClientError> {
        // After its one message the client has nothing more to say; anything it sends is
        // checked like any message, and otherwise ignored.
        Answer::parse(text).map(drop)
    }

    fn frame_count(&self) -> usize {
        match &self.outcome {
            None => 0,
            Some(Outcome {
                locale,
                report_url: Some(_),
            }) => {
                let s = self.report.success(*locale);
                s.thanks.len() + 1 + s.goodbye.len()
            }
            Some(Outcome {
                locale,
                report_url: None,
            }) => self.report.failure(*locale).len(),
        }
    }

    fn frame(&self, index: usize) -> String {
        let Some(outcome) = &self.outcome else {
            return String::new();
        };
        let Some(url) = &outcome.report_url else {
            let message = &self.report.failure(outcome.locale)[index];
            return protocol::bot_frame(message, None, Status::Absent, None);
        };
        let success = self.report.success(outcome.locale);
        let thanks = success.thanks.len();
        match index.checked_sub(thanks) {
            None => protocol::bot_frame(&success.thanks[index], None, Status::Absent, None),
            Some(0) => protocol::bot_frame(&success.link, None, Status::Absent, Some(url)),
            Some(after) => {
                protocol::bot_frame(&success.goodbye[after - 1], None, Status::Absent, None)
            }
        }
    }

    fn ends_after_run(&self) -> bool {
        self.outcome.is_some()
    }

    fn report(&self) -> Report {
        self.report
    }

    fn position(&self) -> (Option<Locale>, Option<&'static str>) {
        match &self.outcome {
            None => (None, None),
            Some(o) => (
                Some(o.locale),
                Some(if o.report_url.is_some() {
                    "success"
                } else {
                    "failure"
                }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn frames(dialogue: &impl Dialogue) -> Vec<Value> {
        (0..dialogue.frame_count())
            .map(|i| serde_json::from_str(&dialogue.frame(i)).unwrap())
            .collect()
    }

    #[test]
    fn nothing_is_said_before_the_first_message() {
        let dialogue = EngagementDialogue {
            report: Report::Love,
            session: None,
        };
        assert_eq!(dialogue.frame_count(), 0);
        assert!(!dialogue.ends_after_run());
        assert_eq!(dialogue.position(), (None, None));
    }

    #[test]
    fn a_chunk_is_sending_until_its_last_message_which_waits_with_the_options() {
        let mut dialogue = EngagementDialogue {
            report: Report::Newjob,
            session: None,
        };
        dialogue
            .on_message(r#"{"lang":"en","is_new_visitor":true,"price":5,"currency":"USD"}"#)
            .unwrap();
        dialogue.on_message("{}").unwrap();
        let state = Report::Newjob.start(true).next(None);
        let chunk = state.chunk(Locale::En);
        let frames = frames(&dialogue);
        assert_eq!(frames.len(), chunk.messages.len());
        assert!(
            frames[..frames.len() - 1]
                .iter()
                .all(|f| f["status"] == "sending" && f.get("options").is_none())
        );
        let last = frames.last().unwrap();
        assert_eq!(last["status"], "waiting");
        let ids: Vec<&str> = last["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, chunk.options.iter().map(|o| o.id).collect::<Vec<_>>());
    }

    #[test]
    fn answers_pick_options_switch_language_and_fall_back_to_the_default() {
        let report = Report::Money;
        let first =
            First::parse(r#"{"lang":"ru","is_new_visitor":false,"price":"9.5","currency":"zł"}"#)
                .unwrap();
        let mut session = Engagement::start(report, &first);
        assert_eq!(session.state(), report.start(false));
        let at = session.state();
        session.answer(&Answer {
            lang: Some(Locale::Pl),
            option: Some("nope".into()),
        });
        assert_eq!(
            (session.state(), session.locale()),
            (at.next(None), Locale::Pl)
        );
        let option = session.chunk().options.first().map(|o| o.id);
        let before = session.state();
        session.answer(&Answer {
            lang: None,
            option: option.map(String::from),
        });
        assert_eq!(session.state(), before.next(option));
        assert_eq!(session.locale(), Locale::Pl);
    }

    #[test]
    fn the_price_is_shown_in_the_locale_format() {
        let mut dialogue = EngagementDialogue {
            report: Report::Travel,
            session: None,
        };
        dialogue
            .on_message(r#"{"lang":"pl","is_new_visitor":true,"price":19.99,"currency":"zł"}"#)
            .unwrap();
        let mut shown = false;
        while !dialogue.ends_after_run() {
            shown |= frames(&dialogue)
                .iter()
                .any(|f| f["message"].as_str().unwrap().contains("19,99 zł"));
            dialogue.on_message("{}").unwrap();
        }
        assert!(shown);
    }

    #[test]
    fn post_payment_puts_the_link_on_the_link_message_only() {
        let mut dialogue = PaymentDialogue::new(Report::Marriage, "/r/".into());
        let params = "date=2000-1-1&time=0:00&tz=0&ln_d=0&ln_m=0&dir_ln=w&lt_d=0&lt_m=0&dir_lt=s&hash=h&report_id=marriage";
        dialogue
            .on_message(
                &json!({"success": true, "lang": "en", "report_url_params": params}).to_string(),
            )
            .unwrap();
        let frames = frames(&dialogue);
        let success = Report::Marriage.success(Locale::En);
        assert_eq!(
            frames.len(),
            success.thanks.len() + 1 + success.goodbye.len()
        );
        let links: Vec<usize> = frames
            .iter()
            .enumerate()
            .filter(|(_, f)| f.get("report_url").is_some())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(links, vec![success.thanks.len()]);
        assert_eq!(
            frames[links[0]]["report_url"],
            format!("/r/?{}", params.replace(':', "%3A"))
        );
        assert!(dialogue.ends_after_run());
        assert_eq!(dialogue.position(), (Some(Locale::En), Some("success")));
    }

    #[test]
    fn post_payment_errors_come_from_the_message_or_its_params() {
        let mut dialogue = PaymentDialogue::new(Report::Love, "/r/".into());
        assert_eq!(
            dialogue.on_message(r#"{"success":true,"lang":"en"}"#),
            Err(ClientError::ParamsMissing)
        );
        let bad = json!({"success": true, "lang": "en", "report_url_params": "date=x"}).to_string();
        assert!(matches!(
            dialogue.on_message(&bad),
            Err(ClientError::Params(_))
        ));
        assert_eq!(dialogue.frame_count(), 0);
    }
}
