//! Chinese labels for the domain's closed sets, as agents read them on screen.

use super::{Channel, Decision, Kind, Severity, TimeClass};

/// A value with a Chinese label and a fixed list of all its variants (for pickers).
pub trait Label: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn label(self) -> &'static str;
}

impl Label for Channel {
    const ALL: &'static [Self] = &[Self::Phone, Self::Web, Self::App, Self::Wechat];
    fn label(self) -> &'static str {
        match self {
            Self::Phone => "12345热线电话",
            Self::Web => "门户网站",
            Self::App => "移动客户端",
            Self::Wechat => "微信公众号",
        }
    }
}

impl Label for Kind {
    const ALL: &'static [Self] = &[
        Self::Consult,
        Self::Help,
        Self::Complaint,
        Self::Report,
        Self::Suggestion,
    ];
    fn label(self) -> &'static str {
        match self {
            Self::Consult => "咨询",
            Self::Help => "求助",
            Self::Complaint => "投诉",
            Self::Report => "举报",
            Self::Suggestion => "建议",
        }
    }
}

impl Label for TimeClass {
    const ALL: &'static [Self] = &[Self::Urgent, Self::Utility, Self::Normal, Self::Statutory];
    fn label(self) -> &'static str {
        match self {
            Self::Urgent => "紧急(2小时)",
            Self::Utility => "水电气热(24小时)",
            Self::Normal => "一般(5-10工作日)",
            Self::Statutory => "法定程序时限",
        }
    }
}

impl Label for Decision {
    const ALL: &'static [Self] = &[Self::Accept, Self::Reject, Self::Transfer, Self::Redirect];
    fn label(self) -> &'static str {
        match self {
            Self::Accept => "受理",
            Self::Reject => "不予受理",
            Self::Transfer => "一键转接",
            Self::Redirect => "引导至其他平台",
        }
    }
}

impl Label for Severity {
    const ALL: &'static [Self] = &[Self::Block, Self::Warn];
    fn label(self) -> &'static str {
        match self {
            Self::Block => "阻断",
            Self::Warn => "提示",
        }
    }
}
