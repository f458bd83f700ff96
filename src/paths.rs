//! Where hotline keeps its files: data under `$XDG_DATA_HOME/hotline`
//! (`~/.local/share/hotline`), configuration under `$XDG_CONFIG_HOME/hotline`.

use std::path::PathBuf;

/// The data directory: the override when given, else the user's data directory.
pub fn data_dir(overridden: Option<PathBuf>) -> PathBuf {
    overridden.unwrap_or_else(|| {
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("hotline")
    })
}

/// The configuration directory (user keymap).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("hotline"))
}
