//! The reference bot: a bare teloxide echo bot, as a teloxide user would first write one — the
//! dispatcher with its default long polling, one `sendMessage` per message. A button press gets
//! what kokoon's do too: `answerCallbackQuery`, then one `sendMessage` (the button's data).
//! It does no storage and no rendering, so it is the floor for "receive an update, answer it".
//!
//! It runs in its own process (the benchmark binary started again with `--echo-bot`), so its
//! CPU time can be read from /proc like the real bot's.

use teloxide::prelude::*;

/// Runs the echo bot against `api_url` with `token` until killed.
pub fn run(api_url: &str, token: &str) {
    let url = api_url.parse().expect("--echo-bot: the API URL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let bot = Bot::new(token).set_api_url(url);
        let handler = dptree::entry()
            .branch(
                Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                    let text = msg.text().unwrap_or("?").to_owned();
                    bot.send_message(msg.chat.id, text).await?;
                    respond(())
                }),
            )
            .branch(Update::filter_callback_query().endpoint(
                |bot: Bot, q: CallbackQuery| async move {
                    bot.answer_callback_query(q.id.clone()).await?;
                    let text = q.data.clone().unwrap_or_else(|| "?".to_owned());
                    bot.send_message(q.from.id, text).await?;
                    respond(())
                },
            ));
        Dispatcher::builder(bot, handler).build().dispatch().await;
    });
}
