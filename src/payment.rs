//! `/ws/chat-success/<report>`: the post-payment dialogue. One client message (the
//! payment's outcome and, after a success, the report's URL parameters), one series of
//! messages (thanks, the link, goodbye; or the failure texts), the end. A `session` in
//! that message attributes the payment to the engagement dialogue that led to it (its
//! report, locale and variant), for the funnel; it is never an error.

use std::sync::Arc;

use crate::catalogue::{Locale, Report, State};
use crate::protocol::{self, Answer, ClientError, Payment, Status};
use crate::report_url;
use crate::resume::SessionStore;
use crate::session::{Dialogue, Fetch, Run, Then};

/// `/ws/chat-success/<report>`: one client message, one series of messages, the end.
#[derive(Debug, Clone)]
pub enum PaymentDialogue {
    /// Connected; the client's one message has not come yet.
    Awaiting {
        report: Report,
        /// The reading path with `{report_id}` already filled in.
        reading_path: Arc<str>,
        /// Where the engagement dialogues are, to attribute the payment to one.
        store: Option<Arc<SessionStore>>,
    },
    /// The message came: the bot says this.
    Answered { report: Report, outcome: Outcome },
}

/// What the post-payment bot says, and which dialogue the payment is attributed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub locale: Locale,
    /// The reading link after a successful payment; `None` after a failed one.
    pub report_url: Option<String>,
    /// The step and locale of the engagement dialogue the frontend named with `session`,
    /// found in the store (for the same report); `None`: unattributed.
    pub paid_for: Option<(State, Locale)>,
}

impl Outcome {
    /// The series of frames: thanks, the link, goodbye; or the failure messages.
    fn run(&self, report: Report) -> Run {
        let frame = |message, url| protocol::bot_frame(message, None, Status::Absent, url);
        let frames = match &self.report_url {
            None => report
                .failure(self.locale)
                .iter()
                .map(|m| frame(m, None))
                .collect(),
            Some(url) => {
                let success = report.success(self.locale);
                let thanks = success.thanks.iter().map(|m| frame(m, None));
                let goodbye = success.goodbye.iter().map(|m| frame(m, None));
                thanks
                    .chain(std::iter::once(frame(&success.link, Some(url))))
                    .chain(goodbye)
                    .collect()
            }
        };
        Run {
            lead: None,
            frames,
            then: Then::Close,
        }
    }
}

impl PaymentDialogue {
    pub fn new(report: Report, reading_path: Arc<str>) -> Self {
        PaymentDialogue::Awaiting {
            report,
            reading_path,
            store: None,
        }
    }

    /// The same, attributing payments to the dialogues of `store`.
    pub fn attributing(self, store: Arc<SessionStore>) -> Self {
        match self {
            PaymentDialogue::Awaiting {
                report,
                reading_path,
                ..
            } => PaymentDialogue::Awaiting {
                report,
                reading_path,
                store: Some(store),
            },
            answered => answered,
        }
    }
}

impl Dialogue for PaymentDialogue {
    fn on_message(&mut self, text: &str) -> Result<Run, ClientError> {
        let PaymentDialogue::Awaiting {
            report,
            reading_path,
            store,
        } = self
        else {
            // Its one message was answered and the connection closes after the series.
            return Answer::parse(text).map(|_| Run {
                lead: None,
                frames: Vec::new(),
                then: Then::Close,
            });
        };
        let report = *report;
        let payment = Payment::parse(text)?;
        let report_url = match &payment.params {
            Some(params) => Some(report_url::build(reading_path, report, params)?),
            None => None,
        };
        let paid_for = payment
            .session
            .zip(store.as_ref())
            .and_then(|(key, store)| store.peek(key))
            .filter(|stored| stored.state.report() == report)
            .map(|stored| (stored.state, stored.locale));
        let outcome = Outcome {
            locale: payment.lang,
            report_url,
            paid_for,
        };
        let run = outcome.run(report);
        *self = PaymentDialogue::Answered { report, outcome };
        Ok(run)
    }

    fn prepare(&mut self, text: &str) -> Option<Fetch<'_>> {
        let PaymentDialogue::Awaiting {
            store: Some(store), ..
        } = self
        else {
            return None;
        };
        if !store.is_shared() {
            return None;
        }
        let key = Payment::parse(text).ok()?.session?;
        Some(Box::pin(async move {
            store.fetch(key).await;
        }))
    }

    fn check_while_sending(&self, text: &str) -> Result<(), ClientError> {
        // After its one message the client has nothing more to say; anything it sends is
        // checked like any message, and otherwise ignored.
        Answer::parse(text).map(drop)
    }

    fn report(&self) -> Report {
        match self {
            PaymentDialogue::Awaiting { report, .. } | PaymentDialogue::Answered { report, .. } => {
                *report
            }
        }
    }

    fn position(&self) -> (Option<Locale>, Option<&'static str>) {
        match self {
            PaymentDialogue::Awaiting { .. } => (None, None),
            PaymentDialogue::Answered { outcome, .. } => (
                Some(outcome.locale),
                Some(if outcome.report_url.is_some() {
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
    use crate::session::frames;
    use serde_json::json;

    #[test]
    fn post_payment_puts_the_link_on_the_link_message_only() {
        let report = Report::ALL[0];
        let mut dialogue = PaymentDialogue::new(report, "/r/".into());
        let params = format!(
            "date=2000-1-1&time=0:00&tz=0&ln_d=0&ln_m=0&dir_ln=w&lt_d=0&lt_m=0&dir_lt=s&hash=h&report_id={}",
            report.slug()
        );
        let run = dialogue
            .on_message(
                &json!({"success": true, "lang": "en", "report_url_params": params}).to_string(),
            )
            .unwrap();
        let frames = frames(&run);
        let success = report.success(Locale::from_code("en").unwrap());
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
        assert_eq!(run.then, Then::Close);
        assert_eq!(
            dialogue.position(),
            (Locale::from_code("en"), Some("success"))
        );
    }

    #[test]
    fn post_payment_errors_come_from_the_message_or_its_params() {
        let mut dialogue = PaymentDialogue::new(Report::ALL[0], "/r/".into());
        assert_eq!(
            dialogue.on_message(r#"{"success":true,"lang":"en"}"#),
            Err(ClientError::ParamsMissing)
        );
        let bad = json!({"success": true, "lang": "en", "report_url_params": "date=x"}).to_string();
        assert!(matches!(
            dialogue.on_message(&bad),
            Err(ClientError::Params(_))
        ));
        assert_eq!(dialogue.position(), (None, None));
    }
}
