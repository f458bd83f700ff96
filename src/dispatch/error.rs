use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum DispatchError {
    #[error("读取派单目录文件 {path} 失败：{source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("派单目录文件 {path} 第 {line} 行格式错误：{message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("派单目录文件 {path} 第 {line} 行：{message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("派单目录文件 {path}：{message}")]
    Incomplete { path: PathBuf, message: String },
    #[error("未知的旗县区代码 {0}：须为目录中有接诉即办工作管理部门的 6 位区划代码")]
    UnknownDistrict(String),
    #[error("街道/乡镇代码 {0} 无效：须为 9 位区划代码")]
    BadStreetCode(String),
    #[error("街道/乡镇 {street} 不属于旗县区 {district}")]
    StreetOutsideDistrict { street: String, district: String },
    #[error("未知的承办单位 {0}")]
    UnknownUnit(String),
    #[error("{0} 已是主办单位，不能同时作为协办单位（条例第十七条）")]
    LeadAlsoAssisting(String),
    #[error("协办单位 {0} 重复")]
    DuplicateAssisting(String),
    #[error(
        "市级部门与旗县区存在职责争议时，以市人民政府相关部门为主办单位：应由 {department} 主办，不能由 {lead} 主办（条例第二十一条第一款）"
    )]
    CityDepartmentMustLead { department: String, lead: String },
    #[error(
        "「{category}」属部门职责范围，不得由乡镇人民政府、街道办事处（{lead}）作为主办单位（条例第二十一条第二款）"
    )]
    StreetCannotLead { category: String, lead: String },
    #[error("「{category}」属部门职责范围，不得由志愿者组织作为主办单位（条例第二十三条）")]
    VolunteerCannotLead { category: String },
    #[error("交由志愿者组织办理须先征得诉求人同意（条例第二十三条）")]
    VolunteerNeedsConsent,
}
