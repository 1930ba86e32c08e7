//! The door of accounts: signing in (the API's `POST /api/v1/login` and the login page
//! both come here), the tokens a person holds (the API and `linli admin`), and managing
//! accounts (the admin's API and pages, `linli admin create-user | reset-password`). Each
//! step checks, decides by the rules, writes in one transaction and audits.

pub mod accounts;
pub mod passwords;
mod sign_in;
mod tokens;
pub mod totp;

pub use sign_in::{second_step, sign_in, sign_in_page};
pub use tokens::{issue_api_token, list_tokens, revoke_token};
