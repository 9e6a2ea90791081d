//! `/identity-providers` over HTTP: configuration as code with a write-only client secret.

use crate::harness::{TestApp, admin_token, body_text, call, id_of, json_of};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_are_configured_over_the_api_without_ever_echoing_the_secret() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "sso-as-code").await;
    let body = json!({
        "slug": "okta",
        "preset": "okta",
        "displayName": "Okta",
        "issuerUrl": "https://corp.okta.com/oauth2/default",
        "clientId": "0oa-client",
        "clientSecret": "very-secret-value",
        "allowedDomains": ["example.com"],
        "roleMappings": [{ "group": "latchkey-admins", "role": "tenant-admin" }]
    });
    let response = call(
        &app,
        "POST",
        "/api/svc/v1/identity-providers",
        Some(&token),
        Some(body),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = json_of(response).await;
    let text = created.to_string();
    assert!(!text.contains("very-secret-value"), "{text}");
    let data = &created["data"];
    assert_eq!(data["hasClientSecret"], true);
    // The preset filled in what was left out.
    assert_eq!(
        data["scopes"],
        json!(["openid", "email", "profile", "groups"])
    );
    assert_eq!(data["groupsClaim"], "groups");
    assert_eq!(data["provisioning"], "just-in-time");
    assert!(
        data["redirectUrl"]
            .as_str()
            .is_some_and(|u| u.ends_with("/auth/sso/okta/callback"))
    );
    let id = id_of(&data["id"]);

    // An update without a secret keeps it; fields are named as sent.
    let update = json!({
        "slug": "okta",
        "preset": "okta",
        "displayName": "Okta (corp)",
        "issuerUrl": "https://corp.okta.com/oauth2/default",
        "clientId": "0oa-client",
        "provisioning": "invite-only",
        "enabled": false
    });
    let path = format!("/api/svc/v1/identity-providers/{id}");
    let response = call(&app, "PATCH", &path, Some(&token), Some(update)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated = json_of(response).await;
    assert_eq!(updated["data"]["hasClientSecret"], true);
    assert_eq!(updated["data"]["provisioning"], "invite-only");
    assert_eq!(updated["data"]["enabled"], false);

    for (bad, field) in [
        (
            json!({ "slug": "x", "preset": "facebook", "displayName": "F", "clientId": "c", "clientSecret": "s" }),
            "preset",
        ),
        (
            json!({ "slug": "kc", "preset": "keycloak", "displayName": "K", "issuerUrl": "http://idp.example.com", "clientId": "c", "clientSecret": "s" }),
            "issuerUrl",
        ),
        (
            json!({ "slug": "kc", "preset": "keycloak", "displayName": "K", "issuerUrl": "https://idp.example.com", "clientId": "c" }),
            "clientSecret",
        ),
    ] {
        let response = call(
            &app,
            "POST",
            "/api/svc/v1/identity-providers",
            Some(&token),
            Some(bad),
        )
        .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(json_of(response).await["field"], field);
    }

    let listed = json_of(
        call(
            &app,
            "GET",
            "/api/svc/v1/identity-providers",
            Some(&token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed["pagination"]["total"], 1);
    let response = call(&app, "DELETE", &path, Some(&token), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = call(&app, "GET", &path, Some(&token), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = call(&app, "GET", "/api/svc/v1/identity-providers", None, None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_page_describes_every_schema_field() {
    let app = TestApp::new().await;
    let response = call(&app, "GET", "/api/svc/v1/docs", None, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body_text(response).await;
    assert!(page.contains("<h2 id=\"schemas\">Schemas</h2>"));
    // A body links to its schema, whose fields are listed with their types.
    assert!(page.contains("href=\"#schema-IdentityProviderBody\""));
    assert!(page.contains("id=\"schema-IdentityProviderJson\""));
    assert!(page.contains("<code>hasClientSecret</code>"));
    assert!(page.contains("array of <a href=\"#schema-RoleRuleJson\">"));
    // Doc comments' `code` reads as code, not as backticks.
    assert!(!page.contains('`'), "backticks left in the page");
}
