//! `/teams` run by a team's manager: a plain Member who manages a team lists it, opens it,
//! adds, promotes, demotes and removes its members over REST, and touches no other team.

use crate::harness::{TestApp, admin_token, answer, id_of};
use axum::http::StatusCode;
use domain::dto::NewToken;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_member_manages_their_team_over_rest() {
    let app = TestApp::with_admin().await;
    let admin = admin_token(&app, "teams-admin").await;
    for email in ["lead@example.com", "dev@example.com"] {
        let (status, body) = answer(
            &app,
            "POST",
            "/api/svc/v1/users/register",
            &admin,
            Some(json!({ "email": email })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let mut ids = Vec::new();
    for name in ["alpha", "beta"] {
        let (status, body) = answer(
            &app,
            "POST",
            "/api/svc/v1/teams",
            &admin,
            Some(json!({ "name": name, "description": format!("The {name} team") })),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.push(id_of(&body["data"]["id"]));
    }
    let (alpha, beta) = (ids[0], ids[1]);
    let (status, body) = answer(
        &app,
        "POST",
        &format!("/api/svc/v1/teams/{alpha}/members"),
        &admin,
        Some(json!({ "subject": "user:lead@example.com", "role": "manager" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let lead = app
        .services
        .system_scope()
        .create_token_for(
            "lead@example.com",
            NewToken {
                name: "lead-script".into(),
                expires_at: None,
            },
        )
        .await
        .expect("the lead's token")
        .value;

    // Their team, and only it.
    let (status, body) = answer(&app, "GET", "/api/svc/v1/teams", &lead, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let names: Vec<&str> = body["data"]
        .as_array()
        .expect("teams")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, ["alpha"]);
    let team = |id: i64| format!("/api/svc/v1/teams/{id}");
    assert_eq!(
        answer(&app, "GET", &team(alpha), &lead, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        answer(&app, "GET", &team(beta), &lead, None).await.0,
        StatusCode::FORBIDDEN
    );

    // Add, promote, demote, remove.
    let (status, body) = answer(
        &app,
        "POST",
        &format!("{}/members", team(alpha)),
        &lead,
        Some(json!({ "subject": "user:dev@example.com", "role": "member" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Asked again for another place in the team: nothing changes, and the answer says how.
    let (status, body) = answer(
        &app,
        "POST",
        &format!("{}/members", team(alpha)),
        &lead,
        Some(json!({ "subject": "user:dev@example.com", "role": "manager" })),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("PATCH")),
        "{body}"
    );
    let dev = format!("{}/members/user:dev@example.com", team(alpha));
    let role_of_dev = |body: &Value| {
        body["data"]["memberships"]
            .as_array()
            .expect("memberships")
            .iter()
            .find(|m| m["subject"] == "user:dev@example.com")
            .map(|m| m["role"].clone())
    };
    for role in ["manager", "member"] {
        let (status, body) =
            answer(&app, "PATCH", &dev, &lead, Some(json!({ "role": role }))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(role_of_dev(&body), Some(json!(role)));
    }
    let (status, body) = answer(&app, "PATCH", &dev, &lead, Some(json!({ "role": "owner" }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = answer(&app, "DELETE", &dev, &lead, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(role_of_dev(&body), None);
    let (status, body) = answer(
        &app,
        "PATCH",
        &dev,
        &lead,
        Some(json!({ "role": "manager" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a member")),
        "{body}"
    );

    // Another team is not theirs.
    let (status, body) = answer(
        &app,
        "POST",
        &format!("{}/members", team(beta)),
        &lead,
        Some(json!({ "subject": "user:dev@example.com", "role": "member" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Seed 004's sentence, with the precise reason beside it.
    assert_eq!(
        body["message"],
        "Cannot manage access control. Check your API key permissions \u{2014} admin access may be required."
    );
    assert!(
        body["reason"]
            .as_str()
            .is_some_and(|r| r.contains("team:ManageTeam")),
        "{body}"
    );
    assert_eq!(body["statusCode"], 403);
    let (status, _) = answer(
        &app,
        "DELETE",
        &format!("{}/members/user:lead@example.com", team(beta)),
        &lead,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
