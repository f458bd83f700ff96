//! `hotline serve`, `hotline token create`, and where the console finds its server.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::Deserialize;

use crate::domain::Role;

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue a token for --role (agent, supervisor, unit:CODE, admin); prints it alone
    /// on stdout. Only its hash is kept.
    Create,
}

pub fn serve(listen: SocketAddr, data_dir: &Path) -> Result<()> {
    crate::server::run(listen, data_dir).context("工单服务异常退出")
}

pub fn token(cmd: TokenCommand, data_dir: &Path, role: &Role) -> Result<()> {
    match cmd {
        TokenCommand::Create => {
            let tokens = crate::server::Tokens::open_dir(data_dir)?;
            println!("{}", tokens.create(role)?);
            Ok(())
        }
    }
}

/// `store` and `token` in `$XDG_CONFIG_HOME/hotline/config.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    store: Option<String>,
    token: Option<String>,
}

/// The server to use, from the flags or else the config file; None: the local file.
pub fn remote(store: Option<String>, token: Option<String>) -> Result<Option<crate::tui::Remote>> {
    let config = match crate::paths::config_dir().map(|d| d.join("config.toml")) {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("无法读取 {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("配置文件 {} 有误", path.display()))?
        }
        _ => Config::default(),
    };
    let Some(url) = store.or(config.store) else {
        return Ok(None);
    };
    let token = token
        .or(config.token)
        .context("使用工单服务器时须提供令牌（--token 或配置文件中的 token）")?;
    Ok(Some(crate::tui::Remote { url, token }))
}
