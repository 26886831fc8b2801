//! TEMPORARY SHIM, deleted at merge: the catalogue interfaces the demo is written
//! against (`Locale::name`, `Locale::ui`, `Locale::ui_strings`, `Currency`), until the
//! catalogue refactor provides them from `dialogues/catalogue.toml`.
//!
//! At merge: delete this file, the `mod shim;` line in `src/demo.rs`, and import
//! `Currency` from `crate::catalogue` there. Two keys here are not in the agreed list
//! and need adding to the catalogue: `all_reports` and `taken_over`.

use crate::catalogue::Locale;

impl Locale {
    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self.code() {
            "ru" => "Русский",
            "pl" => "Polski",
            _ => "English",
        }
    }

    /// One word or sentence of the demo's chrome.
    pub fn ui(self, key: &str) -> Option<&'static str> {
        self.ui_strings()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// Every word of the demo's chrome, by key.
    pub fn ui_strings(self) -> &'static [(&'static str, &'static str)] {
        match self.code() {
            "ru" => RU,
            "pl" => PL,
            _ => EN,
        }
    }
}

/// The currencies whose grammar the catalogue knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Rub,
    Pln,
    Usd,
    Eur,
}

impl Currency {
    pub const ALL: [Currency; 4] = [Currency::Rub, Currency::Pln, Currency::Usd, Currency::Eur];

    pub const fn code(self) -> &'static str {
        match self {
            Currency::Rub => "RUB",
            Currency::Pln => "PLN",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
        }
    }
}

const EN: &[(&str, &str)] = &[
    ("bot_name", "Astrologer bot"),
    ("status_online", "online"),
    ("status_typing", "typing…"),
    ("status_offline", "offline"),
    ("input_placeholder", "Type your answer…"),
    ("send", "Send"),
    ("start_chat", "Start chat"),
    ("restart", "Restart"),
    (
        "checkout_notice",
        "The bot reached the purchase and closed the chat: a real shop would open the payment form now.",
    ),
    ("open_report", "Open your report"),
    (
        "payment_failed_notice",
        "The payment did not go through: the bot said goodbye without a link.",
    ),
    ("dialogue_over", "The dialogue is over."),
    (
        "connection_lost_reconnecting",
        "Connection lost, reconnecting…",
    ),
    ("reconnected", "Reconnected."),
    ("server_unavailable", "The server is not answering."),
    ("try_again", "Try again"),
    ("new_messages", "New messages ↓"),
    ("you", "You"),
    ("bot", "Bot"),
    ("language", "Language"),
    ("visitor_new", "New visitor"),
    ("visitor_returning", "Returning visitor"),
    ("price", "Price"),
    ("currency", "Currency"),
    ("currency_code", "Currency code"),
    ("price_preview", "Will be sent as"),
    ("developer_panel", "For developers"),
    ("frames", "Frames"),
    ("copy_first_message", "Copy the first message as JSON"),
    ("protocol_link", "The protocol"),
    ("error_prefix", "The server reported an error:"),
    ("index_title", "Astrology chatbot demo"),
    (
        "index_intro",
        "Try the dialogues of every report in the catalogue.",
    ),
    ("sales_chat", "Sales chat"),
    ("post_payment_chat", "Post-payment chat"),
    ("not_found_title", "Page not found"),
    ("not_found_text", "There is no such page. The reports are:"),
    ("payment_success", "Payment succeeded"),
    ("report_url_params", "Payment parameters"),
    ("run", "Run"),
    ("typing_aria", "The bot is typing"),
    ("all_reports", "All reports"),
    ("taken_over", "This chat went on in another tab."),
];

const RU: &[(&str, &str)] = &[
    ("bot_name", "Бот-астролог"),
    ("status_online", "в сети"),
    ("status_typing", "печатает…"),
    ("status_offline", "не в сети"),
    ("input_placeholder", "Напишите ответ…"),
    ("send", "Отправить"),
    ("start_chat", "Начать чат"),
    ("restart", "Начать заново"),
    (
        "checkout_notice",
        "Бот дошёл до покупки и закрыл чат: настоящий магазин сейчас открыл бы форму оплаты.",
    ),
    ("open_report", "Открыть отчёт"),
    (
        "payment_failed_notice",
        "Оплата не прошла: бот попрощался без ссылки.",
    ),
    ("dialogue_over", "Диалог завершён."),
    (
        "connection_lost_reconnecting",
        "Связь потеряна, подключаемся снова…",
    ),
    ("reconnected", "Связь восстановлена."),
    ("server_unavailable", "Сервер не отвечает."),
    ("try_again", "Повторить"),
    ("new_messages", "Новые сообщения ↓"),
    ("you", "Вы"),
    ("bot", "Бот"),
    ("language", "Язык"),
    ("visitor_new", "Новый посетитель"),
    ("visitor_returning", "Вернувшийся посетитель"),
    ("price", "Цена"),
    ("currency", "Валюта"),
    ("currency_code", "Код валюты"),
    ("price_preview", "Будет отправлено как"),
    ("developer_panel", "Для разработчиков"),
    ("frames", "Кадры"),
    ("copy_first_message", "Скопировать первое сообщение (JSON)"),
    ("protocol_link", "Описание протокола"),
    ("error_prefix", "Сервер сообщил об ошибке:"),
    ("index_title", "Демо чат-бота астролога"),
    (
        "index_intro",
        "Попробуйте диалоги всех отчётов из каталога.",
    ),
    ("sales_chat", "Продающий чат"),
    ("post_payment_chat", "Чат после оплаты"),
    ("not_found_title", "Страница не найдена"),
    ("not_found_text", "Такой страницы нет. Вот все отчёты:"),
    ("payment_success", "Оплата прошла"),
    ("report_url_params", "Параметры оплаты"),
    ("run", "Запустить"),
    ("typing_aria", "Бот печатает"),
    ("all_reports", "Все отчёты"),
    ("taken_over", "Этот чат продолжился в другой вкладке."),
];

const PL: &[(&str, &str)] = &[
    ("bot_name", "Bot astrolog"),
    ("status_online", "dostępny"),
    ("status_typing", "pisze…"),
    ("status_offline", "niedostępny"),
    ("input_placeholder", "Wpisz odpowiedź…"),
    ("send", "Wyślij"),
    ("start_chat", "Rozpocznij czat"),
    ("restart", "Zacznij od nowa"),
    (
        "checkout_notice",
        "Bot doszedł do zakupu i zamknął czat: prawdziwy sklep otworzyłby teraz formularz płatności.",
    ),
    ("open_report", "Otwórz raport"),
    (
        "payment_failed_notice",
        "Płatność się nie powiodła: bot pożegnał się bez linku.",
    ),
    ("dialogue_over", "Rozmowa zakończona."),
    (
        "connection_lost_reconnecting",
        "Utracono połączenie, łączę ponownie…",
    ),
    ("reconnected", "Połączono ponownie."),
    ("server_unavailable", "Serwer nie odpowiada."),
    ("try_again", "Spróbuj ponownie"),
    ("new_messages", "Nowe wiadomości ↓"),
    ("you", "Ty"),
    ("bot", "Bot"),
    ("language", "Język"),
    ("visitor_new", "Nowy gość"),
    ("visitor_returning", "Powracający gość"),
    ("price", "Cena"),
    ("currency", "Waluta"),
    ("currency_code", "Kod waluty"),
    ("price_preview", "Zostanie wysłane jako"),
    ("developer_panel", "Dla programistów"),
    ("frames", "Ramki"),
    ("copy_first_message", "Kopiuj pierwszą wiadomość (JSON)"),
    ("protocol_link", "Opis protokołu"),
    ("error_prefix", "Serwer zgłosił błąd:"),
    ("index_title", "Demo czatbota astrologa"),
    (
        "index_intro",
        "Wypróbuj rozmowy każdego raportu z katalogu.",
    ),
    ("sales_chat", "Czat sprzedażowy"),
    ("post_payment_chat", "Czat po płatności"),
    ("not_found_title", "Nie znaleziono strony"),
    (
        "not_found_text",
        "Nie ma takiej strony. Oto wszystkie raporty:",
    ),
    ("payment_success", "Płatność udana"),
    ("report_url_params", "Parametry płatności"),
    ("run", "Uruchom"),
    ("typing_aria", "Bot pisze"),
    ("all_reports", "Wszystkie raporty"),
    ("taken_over", "Ta rozmowa toczy się teraz w innej karcie."),
];
