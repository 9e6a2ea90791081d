//! The REST API as seed 004 writes it: ids as strings or numbers, JSON for every rejection
//! (path, method, unknown route), and every role in one call.

use crate::harness::{TestApp, admin_token, answer};
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_rejection_is_json() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "seed-words").await;
    let (status, body) = answer(&app, "DELETE", "/api/svc/v1/roles/role-abc", &token, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "id");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("role-abc")),
        "{body}"
    );
    assert_eq!(body["statusCode"], 400);

    let (status, body) = answer(&app, "PUT", "/api/svc/v1/roles", &token, Some(json!({}))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["code"], "method_not_allowed");

    let (status, body) = answer(&app, "GET", "/api/svc/v1/no-such-thing", &token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/teams",
        &token,
        Some(json!({ "name": "t", "description": "d", "roleId": "role-abc" })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_are_taken_as_strings_or_numbers() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "string-ids").await;
    let (_, roles) = answer(&app, "GET", "/api/svc/v1/roles", &token, None).await;
    let id_of = |name: &str| {
        roles["data"]
            .as_array()
            .expect("roles")
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["id"].to_string().trim_matches('"').to_string())
            .expect(name)
    };
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/teams",
        &token,
        Some(json!({ "name": "platform", "description": "Runs it", "roleId": id_of("tenant-member") })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, cluster) = answer(
        &app,
        "POST",
        "/api/svc/v1/resources",
        &token,
        Some(json!({ "resourceType": "cluster", "name": "prod" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cluster}");
    let cluster_id = cluster["data"]["id"]
        .to_string()
        .trim_matches('"')
        .to_string();
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/collaborators",
        &token,
        Some(json!({
            "resourceType": "cluster",
            "resourceId": cluster_id,
            "subject": "team:platform",
            "roleId": id_of("cluster-viewer"),
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_without_paging_are_all_listed() {
    let app = TestApp::with_admin().await;
    let token = admin_token(&app, "all-roles").await;
    for n in 0..60 {
        let (status, body) = answer(
            &app,
            "POST",
            "/api/svc/v1/roles",
            &token,
            Some(json!({
                "name": format!("Custom-{n}"),
                "displayName": format!("Custom {n}"),
                "description": "One of many",
                "permissions": ["user:ListUsers"],
            })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, all) = answer(&app, "GET", "/api/svc/v1/roles", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let listed = all["data"].as_array().expect("roles").len() as u64;
    assert_eq!(
        Some(listed),
        all["pagination"]["total"].as_u64(),
        "{}",
        all["pagination"]
    );
    assert!(listed > 60, "{listed}");
    let (_, page) = answer(&app, "GET", "/api/svc/v1/roles?limit=10", &token, None).await;
    assert_eq!(page["data"].as_array().expect("roles").len(), 10);
}
