//! The REST API for virtual accounts, users and resources: a virtual account's token acting
//! through its grants, regeneration with a grace period, and user administration by email.

use crate::harness::{ADMIN_EMAIL, TestApp, admin_token, call, id_of, json_of};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let response = call(app, "POST", path, Some(token), Some(body)).await;
    let status = response.status();
    let json = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {json}");
    json
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_account_calls_the_api_with_its_grants_only() {
    let app = TestApp::with_admin().await;
    let admin = admin_token(&app, "admin-script").await;
    let team = created(
        &app,
        &admin,
        "/api/svc/v1/teams",
        json!({ "name": "platform", "description": "Runs the platform" }),
    )
    .await["data"]["id"]
        .clone();
    let account = created(
        &app,
        &admin,
        "/api/svc/v1/virtual-accounts",
        json!({ "name": "ci-bot", "ownerTeamId": team }),
    )
    .await;
    let first = account["token"].as_str().expect("token").to_string();
    assert!(first.starts_with("lk_va_"));
    assert_eq!(account["data"]["subject"], "virtualaccount:ci-bot");
    let id = id_of(&account["data"]["id"]);

    let cluster = id_of(
        &created(
            &app,
            &admin,
            "/api/svc/v1/resources",
            json!({ "resourceType": "cluster", "name": "prod" }),
        )
        .await["data"]["id"],
    );
    let workspace = created(
        &app,
        &admin,
        "/api/svc/v1/resources",
        json!({ "resourceType": "workspace", "name": "serving", "parentId": cluster }),
    )
    .await["data"]["id"]
        .clone();
    let roles = json_of(
        call(
            &app,
            "GET",
            "/api/svc/v1/roles?limit=200",
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    let viewer = roles["data"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["name"] == "workspace-viewer")
        .expect("workspace-viewer")["id"]
        .clone();
    // Seed 004 names a virtual account `serviceaccount:`; the grant is the account's.
    let grant = created(
        &app,
        &admin,
        "/api/svc/v1/collaborators",
        json!({ "resourceType": "workspace", "resourceId": workspace, "subject": "serviceaccount:ci-bot", "roleId": viewer }),
    )
    .await;
    assert!(
        grant["data"]["collaborators"]
            .as_array()
            .is_some_and(|all| all.iter().any(|c| c["subject"] == "virtualaccount:ci-bot")),
        "{grant}"
    );

    // The account sees the workspace it was granted, and nothing else.
    let listed =
        json_of(call(&app, "GET", "/api/svc/v1/resources", Some(&first), None).await).await;
    assert_eq!(listed["pagination"]["total"], 1, "{listed}");
    assert_eq!(listed["data"][0]["name"], "serving");
    let other = call(
        &app,
        "GET",
        &format!("/api/svc/v1/resources/{cluster}"),
        Some(&first),
        None,
    )
    .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
    let users = call(&app, "GET", "/api/svc/v1/users", Some(&first), None).await;
    assert_eq!(users.status(), StatusCode::FORBIDDEN);
    assert!(
        json_of(users).await["message"]
            .as_str()
            .unwrap()
            .contains("only act on the resources granted to it")
    );

    // Its settings are edited with PUT (the owner team's id as a string, as seed 004 writes
    // ids); the name stays.
    let edited = call(
        &app,
        "PUT",
        &format!("/api/svc/v1/virtual-accounts/{id}"),
        Some(&admin),
        Some(json!({
            "ownerTeamId": team.to_string().trim_matches('"'),
            "expirationDate": "2099-12-31T23:59:59Z",
            "description": "Reads the serving workspace",
        })),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let edited = json_of(edited).await;
    assert_eq!(
        edited["data"]["description"], "Reads the serving workspace",
        "{edited}"
    );
    assert_eq!(edited["data"]["name"], "ci-bot");
    let unknown_field = call(
        &app,
        "PUT",
        &format!("/api/svc/v1/virtual-accounts/{id}"),
        Some(&admin),
        Some(json!({ "ownerTeamId": team, "name": "renamed" })),
    )
    .await;
    assert_eq!(unknown_field.status(), StatusCode::BAD_REQUEST);

    // Its managers read the token again, and regenerate it with a grace period.
    let shown = json_of(
        call(
            &app,
            "GET",
            &format!("/api/svc/v1/virtual-accounts/{id}/token"),
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(shown["token"], first.as_str());
    let bad_grace = call(
        &app,
        "POST",
        &format!("/api/svc/v1/virtual-accounts/{id}/regenerate-token"),
        Some(&admin),
        Some(json!({ "gracePeriodInDays": 99 })),
    )
    .await;
    assert_eq!(bad_grace.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(bad_grace).await["field"], "gracePeriodInDays");
    let regenerated = json_of(
        call(
            &app,
            "POST",
            &format!("/api/svc/v1/virtual-accounts/{id}/regenerate-token"),
            Some(&admin),
            Some(json!({ "gracePeriodInDays": 1 })),
        )
        .await,
    )
    .await;
    let second = regenerated["token"]
        .as_str()
        .expect("new token")
        .to_string();
    assert!(regenerated["previousTokenValidUntil"].is_string());
    for token in [&first, &second] {
        let response = call(&app, "GET", "/api/svc/v1/resources", Some(token), None).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "both work during the grace period"
        );
    }
    let detail = json_of(
        call(
            &app,
            "GET",
            &format!("/api/svc/v1/virtual-accounts/{id}"),
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(detail["data"]["tokens"].as_array().map(Vec::len), Some(2));
    assert_eq!(detail["data"]["grants"][0]["resourceName"], "serving");
    let listed = json_of(
        call(
            &app,
            "GET",
            "/api/svc/v1/virtual-accounts",
            Some(&admin),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed["pagination"]["total"], 1);

    // Deleted: every token stops.
    let deleted = call(
        &app,
        "DELETE",
        &format!("/api/svc/v1/virtual-accounts/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let after = call(&app, "GET", "/api/svc/v1/resources", Some(&second), None).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_registered_changed_and_deleted_by_email() {
    let app = TestApp::with_admin().await;
    let admin = admin_token(&app, "people-script").await;
    let registered = created(
        &app,
        &admin,
        "/api/svc/v1/users/register",
        json!({ "email": "Grace@Example.com", "sendInviteEmail": true }),
    )
    .await;
    assert_eq!(registered["data"]["email"], "grace@example.com");
    // No SMTP here: the one-time link comes back, once.
    assert_eq!(registered["data"]["setPassword"], "shown");
    let id = id_of(&registered["data"]["id"]);
    let again = call(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        Some(&admin),
        Some(json!({ "email": "grace@example.com" })),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad = call(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        Some(&admin),
        Some(json!({ "email": "not-an-email" })),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(bad).await["field"], "email");

    let changed = json_of(
        call(
            &app,
            "PATCH",
            "/api/svc/v1/users/roles",
            Some(&admin),
            Some(json!({ "email": "grace@example.com", "roles": ["team-manager"] })),
        )
        .await,
    )
    .await;
    assert_eq!(changed["data"]["roles"][0], "team-manager");
    assert_eq!(changed["data"]["metadata"]["tenantRoleManagedBy"], "manual");
    let unknown_role = call(
        &app,
        "PATCH",
        "/api/svc/v1/users/roles",
        Some(&admin),
        Some(json!({ "email": "grace@example.com", "roles": ["nope"] })),
    )
    .await;
    assert_eq!(unknown_role.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(unknown_role).await["field"], "roles");

    let deactivated = json_of(
        call(
            &app,
            "PATCH",
            "/api/svc/v1/users/deactivate",
            Some(&admin),
            Some(json!({ "email": "grace@example.com" })),
        )
        .await,
    )
    .await;
    assert_eq!(deactivated["data"]["status"], "deactivated");
    // The last Admin cannot deactivate themselves.
    let last_admin = call(
        &app,
        "PATCH",
        "/api/svc/v1/users/deactivate",
        Some(&admin),
        Some(json!({ "email": ADMIN_EMAIL })),
    )
    .await;
    assert_eq!(last_admin.status(), StatusCode::CONFLICT);
    let activated = json_of(
        call(
            &app,
            "PATCH",
            "/api/svc/v1/users/activate",
            Some(&admin),
            Some(json!({ "email": "grace@example.com" })),
        )
        .await,
    )
    .await;
    assert_eq!(activated["data"]["status"], "active");
    let missing = call(
        &app,
        "PATCH",
        "/api/svc/v1/users/activate",
        Some(&admin),
        Some(json!({ "email": "nobody@example.com" })),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let deleted = call(
        &app,
        "DELETE",
        &format!("/api/svc/v1/users/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let users = json_of(call(&app, "GET", "/api/svc/v1/users", Some(&admin), None).await).await;
    assert_eq!(users["pagination"]["total"], 1);
}
