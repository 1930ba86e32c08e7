//! What a roster request brings, taken apart once for every kind: the caller (a bearer
//! token), and a list's filter and page, an object's id, or a body to create or edit
//! with. Each carries the generic call of the service its operation makes, so a handler
//! is one line and the ten kinds share one piece of code.
//!
//! Extractors run in the order the handlers had them: the token first (401), then the
//! query, the path (404) and the body (400, 415, 422).

use std::future::Future;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::PageQuery;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::roster::model::{Audited, Page, Paging};
use crate::roster::service::{self, Public};
use crate::roster::store::{Filter, Stored};
use crate::state::AppState;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};

/// What a handler answers: a value as JSON, or the error.
pub type Answer<T> = Result<Json<T>>;

/// What a create answers: 201 and the new object.
pub type Created<T> = Result<(StatusCode, Json<T>)>;

/// What a delete answers: 204.
pub type Deleted = Result<StatusCode>;

/// A body that makes a new object: parsed into the service's input and given to it.
pub trait Create: DeserializeOwned + Send {
    type Made: Serialize;
    fn create(
        self,
        st: &AppState,
        actor: &Actor,
    ) -> impl Future<Output = Result<Self::Made>> + Send;
}

/// A body that changes an object (a PATCH, or a PUT of a whole set it holds).
pub trait Edit: DeserializeOwned + Send {
    type Made: Serialize;
    fn edit(
        self,
        st: &AppState,
        actor: &Actor,
        id: i64,
    ) -> impl Future<Output = Result<Self::Made>> + Send;
}

/// Who is asking.
pub struct Caller {
    pub st: AppState,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Caller> {
        let actor = Actor::from_request_parts(parts, st).await?;
        Ok(Caller {
            st: st.clone(),
            actor,
        })
    }
}

/// A list: its filter and its page.
pub struct List<F> {
    pub by: Caller,
    pub filter: F,
    pub paging: Paging,
}

impl<F: DeserializeOwned + Send> FromRequestParts<AppState> for List<F> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<List<F>> {
        let by = Caller::from_request_parts(parts, st).await?;
        let ApiQuery(filter) = ApiQuery::<F>::from_request_parts(parts, st).await?;
        let ApiQuery(page) = ApiQuery::<PageQuery>::from_request_parts(parts, st).await?;
        Ok(List {
            by,
            filter,
            paging: page.paging()?,
        })
    }
}

impl<F> List<F>
where
    F: Filter + DeserializeOwned + Send,
    F::Item: Public,
{
    pub async fn run(self) -> Answer<Page<F::Item>> {
        let page = service::list(&self.by.st, &self.by.actor, &self.filter, self.paging).await?;
        Ok(Json(page))
    }
}

/// One object, by the id in the path.
pub struct One {
    pub by: Caller,
    pub id: i64,
}

impl FromRequestParts<AppState> for One {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<One> {
        let by = Caller::from_request_parts(parts, st).await?;
        let ApiPath(id) = ApiPath::<i64>::from_request_parts(parts, st).await?;
        Ok(One { by, id })
    }
}

impl One {
    pub async fn get<T: Public>(self) -> Answer<T> {
        Ok(Json(
            service::get(&self.by.st, &self.by.actor, self.id).await?,
        ))
    }

    pub async fn delete<T: Stored + Audited>(self) -> Deleted {
        service::delete::<T>(&self.by.st, &self.by.actor, self.id).await?;
        Ok(StatusCode::NO_CONTENT)
    }
}

/// A body for a new object.
pub struct New<B> {
    by: Caller,
    body: B,
}

impl<B: DeserializeOwned + Send> FromRequest<AppState> for New<B> {
    type Rejection = Error;

    async fn from_request(req: Request, st: &AppState) -> Result<New<B>> {
        let (mut parts, body) = req.into_parts();
        let by = Caller::from_request_parts(&mut parts, st).await?;
        let req = Request::from_parts(parts, body);
        let ApiJson(body) = ApiJson::<B>::from_request(req, st).await?;
        Ok(New { by, body })
    }
}

impl<B: Create> New<B> {
    pub async fn create(self) -> Created<B::Made> {
        let made = self.body.create(&self.by.st, &self.by.actor).await?;
        Ok((StatusCode::CREATED, Json(made)))
    }
}

/// A body changing the object whose id is in the path.
pub struct Change<B> {
    by: Caller,
    id: i64,
    body: B,
}

impl<B: DeserializeOwned + Send> FromRequest<AppState> for Change<B> {
    type Rejection = Error;

    async fn from_request(req: Request, st: &AppState) -> Result<Change<B>> {
        let (mut parts, body) = req.into_parts();
        let One { by, id } = One::from_request_parts(&mut parts, st).await?;
        let req = Request::from_parts(parts, body);
        let ApiJson(body) = ApiJson::<B>::from_request(req, st).await?;
        Ok(Change { by, id, body })
    }
}

impl<B: Edit> Change<B> {
    pub async fn edit(self) -> Answer<B::Made> {
        let made = self.body.edit(&self.by.st, &self.by.actor, self.id).await?;
        Ok(Json(made))
    }
}
