//! Who is acting: a seat agent, a shift supervisor, a handling unit, or an administrator.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    Agent,
    Supervisor,
    /// A handling unit, by its catalog code.
    Unit(String),
    Admin,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("无法识别的角色 \"{0}\"（可选 agent、supervisor、unit:单位代码、admin）")]
pub struct BadRole(pub String);

impl TryFrom<String> for Role {
    type Error = BadRole;
    fn try_from(s: String) -> Result<Self, BadRole> {
        s.parse()
    }
}

impl std::str::FromStr for Role {
    type Err = BadRole;
    fn from_str(s: &str) -> Result<Self, BadRole> {
        match s {
            "agent" => Ok(Role::Agent),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            _ => match s.strip_prefix("unit:") {
                Some(code)
                    if !code.is_empty()
                        && code
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
                {
                    Ok(Role::Unit(code.to_string()))
                }
                _ => Err(BadRole(s.to_string())),
            },
        }
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.to_string()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Agent => f.write_str("agent"),
            Role::Supervisor => f.write_str("supervisor"),
            Role::Unit(code) => write!(f, "unit:{code}"),
            Role::Admin => f.write_str("admin"),
        }
    }
}

impl Role {
    pub fn label(&self) -> String {
        match self {
            Role::Agent => "坐席".into(),
            Role::Supervisor => "值班长".into(),
            Role::Unit(code) => format!("承办单位 {code}"),
            Role::Admin => "管理员".into(),
        }
    }

    /// The unit this role acts for, if any.
    pub fn unit(&self) -> Option<&str> {
        match self {
            Role::Unit(code) => Some(code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_print() {
        for s in [
            "agent",
            "supervisor",
            "admin",
            "unit:C-WATER",
            "unit:S150105001",
        ] {
            assert_eq!(s.parse::<Role>().unwrap().to_string(), s);
        }
        for bad in ["", "unit:", "boss", "unit:a b"] {
            assert!(bad.parse::<Role>().is_err(), "{bad}");
        }
    }
}

/// Who records an event: a name for the audit trail and the role it acts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Self {
            name: name.into(),
            role,
        }
    }
}
