use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SlaError {
    #[error("读取节假日文件 {path} 失败：{source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("节假日文件 {path} 第 {line} 行格式错误：{message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("节假日文件 {path} 内容有误：{message}")]
    Invalid { path: PathBuf, message: String },
    #[error("一般诉求办理时限须为 5 至 10 个工作日（条例第十六条第三项），当前为 {0} 个工作日")]
    WorkingDaysOutOfRange(u32),
    #[error("需经法律程序处理的诉求须填写法定办结时限（条例第十六条第四项）")]
    MissingStatutory,
    #[error("法定办结时限 {statutory} 早于受理时间 {from}")]
    StatutoryBeforeStart {
        statutory: DateTime<FixedOffset>,
        from: DateTime<FixedOffset>,
    },
}
