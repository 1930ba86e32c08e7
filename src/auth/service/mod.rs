//! The door of accounts: signing in (the API's `POST /api/v1/login` and the login page
//! both come here) and the tokens a person holds (the API and `linli admin`). Each step
//! checks, decides by `auth::rules`, writes in one transaction and audits.

mod sign_in;
mod tokens;

pub use sign_in::sign_in;
pub use tokens::{issue_api_token, list_tokens, revoke_token};
