use crate::app::AppState;
pub enum Size { Full, Small }
pub struct Summary { pub community: String, pub residents: usize, pub demands: usize }
pub const LOGINS: &[(&str, &str)] = &[];
pub async fn seed(_s: &AppState, _size: Size) -> Result<Summary, String> { Err("x".into()) }
