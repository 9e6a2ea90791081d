//! The REST API with personal access tokens: bearer authentication, the token endpoints and
//! the JSON errors, through the whole router.

use crate::harness::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, admin_token, body_text, call, id_of, json_of,
    session_cookie,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_opens_the_api_until_it_is_revoked() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "first").await;
    assert!(token.starts_with("lk_pat_"));

    let users = call(
        &app,
        "GET",
        "/api/svc/v1/users?limit=10",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(users.status(), StatusCode::OK);
    let users = json_of(users).await;
    assert_eq!(users["pagination"]["total"], 1);
    assert_eq!(users["data"][0]["email"], ADMIN_EMAIL);
    assert_eq!(users["data"][0]["roles"][0], "tenant-admin");
    assert_eq!(
        users["data"][0]["metadata"]["tenantRoleManagedBy"],
        "initial"
    );

    let created = call(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        Some(&token),
        Some(json!({ "name": "second", "expirationDate": "2099-12-31T23:59:59Z" })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created = json_of(created).await;
    assert_eq!(created["data"]["name"], "second");
    assert_eq!(created["data"]["status"], "active");
    let second_id = id_of(&created["data"]["id"]);

    let listed = json_of(
        call(
            &app,
            "GET",
            "/api/svc/v1/personal-access-tokens",
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed["pagination"]["total"], 2);
    let text = listed.to_string();
    assert!(
        !text.contains("lk_pat_"),
        "a list never shows a token's value"
    );
    // The call just made was recorded on the token that made it.
    let first = listed["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|t| t["name"] == "first")
        .expect("first");
    assert!(first["lastUsedAt"].is_string(), "{first}");

    let revoked = call(
        &app,
        "DELETE",
        &format!("/api/svc/v1/personal-access-tokens/{second_id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(json_of(revoked).await["data"]["status"], "revoked");

    // Revoking every token of the admin, with the admin's own token: the next call is 401.
    let all = call(
        &app,
        "DELETE",
        "/api/svc/v1/personal-access-tokens/revoke/all",
        Some(&token),
        Some(json!({ "email": ADMIN_EMAIL })),
    )
    .await;
    assert_eq!(all.status(), StatusCode::OK);
    assert_eq!(json_of(all).await["revoked"], 1);
    let after = call(&app, "GET", "/api/svc/v1/users", Some(&token), None).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        after
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    assert_eq!(json_of(after).await["code"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_and_bad_input_get_clear_json_errors() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "checker").await;
    let mut typo = token.clone();
    typo.replace_range(8..9, if &token[8..9] == "a" { "b" } else { "a" });
    for bad in [None, Some("nonsense"), Some(typo.as_str())] {
        let response = call(&app, "GET", "/api/svc/v1/users", bad, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bad:?}");
        let body = body_text(response).await;
        assert!(!body.contains(&typo), "the token is never echoed");
    }

    let invalid_name = call(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        Some(&token),
        Some(json!({ "name": "No Spaces" })),
    )
    .await;
    assert_eq!(invalid_name.status(), StatusCode::BAD_REQUEST);
    let body = json_of(invalid_name).await;
    assert_eq!(body["field"], "name");
    assert!(body["message"].as_str().unwrap().contains("lowercase"));

    let past = call(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        Some(&token),
        Some(json!({ "name": "old", "expirationDate": "2001-01-01T00:00:00Z" })),
    )
    .await;
    assert_eq!(past.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(past).await["field"], "expirationDate");

    let malformed = call(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        Some(&token),
        Some(json!({ "nom": "x" })),
    )
    .await;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert!(
        json_of(malformed).await["message"]
            .as_str()
            .unwrap()
            .contains("nom"),
        "the unknown field is named"
    );

    let duplicate = call(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        Some(&token),
        Some(json!({ "name": "checker" })),
    )
    .await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);

    let missing = call(
        &app,
        "DELETE",
        "/api/svc/v1/personal-access-tokens/999999",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json_of(missing).await["message"],
        "Personal access token not found."
    );

    let bad_paging = call(&app, "GET", "/api/svc/v1/users?limit=0", Some(&token), None).await;
    assert_eq!(bad_paging.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(bad_paging).await["field"], "limit");

    let unknown = call(&app, "GET", "/api/svc/v1/nothing-here", Some(&token), None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(unknown).await["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_judged_alone_even_beside_a_session_cookie() {
    let app = TestApp::with_admin().await;
    let cookie =
        session_cookie(&app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD, None).await).expect("cookie");
    let request = Request::get("/api/svc/v1/users")
        .header(header::COOKIE, cookie)
        .header(header::AUTHORIZATION, "Bearer lk_pat_forged")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.send(request).await.status(), StatusCode::UNAUTHORIZED);
}
