//! The answers TrueFoundry's SDK parses, and the calls only it makes: ids as strings, the
//! fields its models require, deletes answering a JSON object, manifests, dry runs, and a
//! JSON refusal for what Latchkey does not do. (end2end/sdk drives the SDK itself.)

use crate::harness::{TestApp, admin_token, answer, id_of};
use axum::http::StatusCode;
use serde_json::{Value, json};

fn assert_has(object: &Value, fields: &[&str]) {
    for field in fields {
        assert!(
            object.get(field).is_some_and(|v| !v.is_null()),
            "{field} missing in {object}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_what_truefoundrys_models_require() {
    let app = TestApp::with_admin().await;
    let admin = admin_token(&app, "tfy-shapes").await;
    let register = |email: &str, extra: Value| {
        let mut body = json!({ "email": email, "sendInviteEmail": false, "skipIfUserExists": false, "dryRun": false, "acceptInviteClientURL": null });
        for (k, v) in extra.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        &admin,
        Some(register("dev@example.com", json!({}))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let dev = id_of(&body["data"]["id"]);
    // Again: 409, unless asked to skip an existing user.
    let (status, _) = answer(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        &admin,
        Some(register("dev@example.com", json!({}))),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        &admin,
        Some(register(
            "dev@example.com",
            json!({ "skipIfUserExists": true }),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["setPassword"], "skipped");
    // A dry run checks and writes nothing.
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/users/register",
        &admin,
        Some(register("ghost@example.com", json!({ "dryRun": true }))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["dryRun"], true);
    let (_, users) = answer(
        &app,
        "GET",
        "/api/svc/v1/users?limit=100&offset=0&showInvalidUsers=false",
        &admin,
        None,
    )
    .await;
    assert_eq!(users["pagination"]["total"], 2, "{users}");
    let user = &users["data"][0];
    assert_has(
        user,
        &[
            "id",
            "email",
            "tenantName",
            "metadata",
            "active",
            "isEditable",
            "createdAt",
            "updatedAt",
        ],
    );
    assert!(user["id"].is_string());
    // Past the end, an empty page (the SDK pages until it gets one).
    let (_, past) = answer(
        &app,
        "GET",
        "/api/svc/v1/users?limit=100&offset=2&showInvalidUsers=false",
        &admin,
        None,
    )
    .await;
    assert_eq!(past["data"], json!([]));
    let (status, one) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/users/{dev}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["data"]["email"], "dev@example.com");

    // A team from a manifest, as the SDK sends one.
    let (status, team) = answer(
        &app,
        "PUT",
        "/api/svc/v1/teams",
        &admin,
        Some(json!({ "manifest": { "type": "team", "name": "platform", "members": ["dev@example.com"], "managers": ["admin@example.com"] }, "dryRun": false })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{team}");
    let data = &team["data"];
    assert_has(
        data,
        &[
            "id",
            "description",
            "tenantName",
            "accountId",
            "createdBySubject",
            "createdAt",
            "updatedAt",
            "manifest",
            "isEditable",
        ],
    );
    assert_eq!(data["manifest"]["type"], "team");
    assert_eq!(data["members"], json!(["dev@example.com"]));
    assert_eq!(data["managers"], json!(["admin@example.com"]));
    assert_eq!(data["membersCount"], 2);
    assert_eq!(data["createdBySubject"]["subjectType"], "user");
    let team_id = id_of(&data["id"]);
    let (status, listed) = answer(&app, "GET", "/api/svc/v1/teams/user?limit=100&offset=0&includeMembership=true&attributes=a&attributes=b", &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["data"][0]["manifest"]["name"], "platform");
    let (_, members) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/teams/{team_id}/members?offset=0"),
        &admin,
        None,
    )
    .await;
    assert_eq!(
        members["data"].as_array().map(Vec::len),
        Some(1),
        "{members}"
    );
    assert_eq!(members["data"][0]["subjectSlug"], "dev@example.com");
    assert_has(
        &members["data"][0],
        &["subjectId", "subjectSlug", "subjectType"],
    );
    let (_, managers) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/teams/{team_id}/managers?offset=0"),
        &admin,
        None,
    )
    .await;
    assert_eq!(managers["data"][0]["subjectSlug"], "admin@example.com");
    let (status, permissions) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/teams/{team_id}/permissions"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(permissions["data"], json!([]));
    let (_, teams_of_dev) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/x/users/{dev}/teams"),
        &admin,
        None,
    )
    .await;
    assert_eq!(
        teams_of_dev["data"],
        json!([{ "teamId": team_id.to_string(), "teamName": "platform", "roles": ["team-member"] }])
    );

    // Who am I, and my tokens as the SDK lists them.
    let (status, me) = answer(&app, "GET", "/api/svc/v1/x/users/info", &admin, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_has(
        &me,
        &[
            "id",
            "subjectSlug",
            "subjectType",
            "roles",
            "teams",
            "accounts",
            "effectiveUserId",
        ],
    );
    assert_eq!(me["teams"][0]["name"], "platform");
    assert_eq!(data["createdBySubject"]["subjectId"], me["id"]);
    let (_, tokens) = answer(
        &app,
        "GET",
        "/api/svc/v1/personal-access-tokens?limit=100&offset=0&nameSearchQuery=tfy",
        &admin,
        None,
    )
    .await;
    assert_eq!(tokens["data"].as_array().map(Vec::len), Some(1), "{tokens}");
    assert_has(
        &tokens["data"][0],
        &[
            "id",
            "type",
            "tenantName",
            "accountId",
            "createdBySubject",
            "createdAt",
            "updatedAt",
        ],
    );
    let (status, created) = answer(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        &admin,
        Some(json!({ "name": "dated", "expirationDate": "2099-01-31", "teamName": "platform" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["data"]["expiresAt"], "2099-01-31T23:59:59Z");
    let (status, refused) = answer(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens",
        &admin,
        Some(json!({ "name": "elsewhere", "teamName": "nowhere" })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["field"], "teamName");
    let (status, for_dev) = answer(
        &app,
        "POST",
        "/api/svc/v1/personal-access-tokens/for-user",
        &admin,
        Some(json!({ "name": "dev-ci", "userEmail": "dev@example.com" })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{for_dev}");
    let dev_token = for_dev["token"].as_str().expect("token").to_string();
    let (_, dev_me) = answer(&app, "GET", "/api/svc/v1/x/users/info", &dev_token, None).await;
    assert_eq!(dev_me["subjectSlug"], "dev@example.com");

    // Deletes answer a JSON object, and errors carry statusCode.
    let (status, deleted) = answer(
        &app,
        "DELETE",
        &format!("/api/svc/v1/teams/{team_id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!((status, deleted), (StatusCode::OK, json!({})));
    let (status, missing) = answer(
        &app,
        "GET",
        &format!("/api/svc/v1/teams/{team_id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["statusCode"], 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifests_apply_and_delete_teams_and_virtual_accounts() {
    let app = TestApp::with_admin().await;
    let admin = admin_token(&app, "tfy-manifests").await;
    let apply = |manifest: Value, dry_run: bool| json!({ "manifest": manifest, "dryRun": dry_run, "force": false });

    // A team: a dry run writes nothing, then CREATE, then UPDATE.
    let team = json!({ "type": "team", "name": "runners", "members": [], "managers": ["admin@example.com"] });
    let (status, body) = answer(
        &app,
        "PUT",
        "/api/svc/v1/apply",
        &admin,
        Some(apply(team.clone(), true)),
    )
    .await;
    assert_eq!(
        (status, &body["action"]),
        (StatusCode::OK, &json!("CREATE")),
        "{body}"
    );
    let (_, teams) = answer(&app, "GET", "/api/svc/v1/teams", &admin, None).await;
    assert_eq!(teams["pagination"]["total"], 0);
    let (_, body) = answer(
        &app,
        "PUT",
        "/api/svc/v1/apply",
        &admin,
        Some(apply(team.clone(), false)),
    )
    .await;
    assert_eq!(body["action"], "CREATE", "{body}");
    let (_, body) = answer(
        &app,
        "PUT",
        "/api/svc/v1/apply",
        &admin,
        Some(apply(team.clone(), false)),
    )
    .await;
    assert_eq!(body["action"], "UPDATE", "{body}");

    // A virtual account owned by it: the first token comes with CREATE only.
    let account =
        json!({ "type": "virtual-account", "name": "deployer", "ownedBy": { "team": "runners" } });
    let (status, body) = answer(
        &app,
        "PUT",
        "/api/svc/v1/apply",
        &admin,
        Some(apply(account.clone(), false)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["action"], "CREATE");
    assert!(
        body["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("lk_va_")),
        "{body}"
    );
    let account_id = id_of(&body["data"]["id"]);
    let (_, body) = answer(&app, "PUT", "/api/svc/v1/virtual-accounts", &admin, Some(json!({ "manifest": { "name": "deployer", "expiration_date": "2099-12-31" }, "dryRun": false }))).await;
    assert_eq!(
        body["data"]["expirationDate"], "2099-12-31T23:59:59Z",
        "{body}"
    );
    assert!(body.get("token").is_none());
    assert_has(
        &body["data"],
        &[
            "id",
            "type",
            "tenantName",
            "accountId",
            "createdBySubject",
            "createdAt",
            "updatedAt",
        ],
    );
    let (_, exists) = answer(
        &app,
        "GET",
        "/api/svc/v1/virtual-accounts/exists?name=deployer",
        &admin,
        None,
    )
    .await;
    assert_eq!(exists, json!({ "exists": true }));
    let (_, listed) = answer(&app, "GET", "/api/svc/v1/virtual-accounts?limit=100&offset=0&ownedByTeams=runners&ownedByTeams=others&isExpired=false", &admin, None).await;
    assert_eq!(listed["pagination"]["total"], 1, "{listed}");
    // What Latchkey does not do is refused by name.
    let (status, body) = answer(&app, "PUT", "/api/svc/v1/virtual-accounts", &admin, Some(json!({ "manifest": { "name": "deployer", "permissions": [{ "resource_fqn": "x", "resource_type": "workspace", "role_id": "workspace-admin" }] } }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "manifest.permissions");
    let (status, body) = answer(
        &app,
        "POST",
        &format!("/api/svc/v1/virtual-accounts/{account_id}/sync-to-secret-store?force=false"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("secret-store")),
        "{body}"
    );
    let (status, _) = answer(
        &app,
        "DELETE",
        &format!("/api/svc/v1/virtual-accounts/{account_id}/jwt/abc"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = answer(
        &app,
        "POST",
        &format!("/api/svc/v1/virtual-accounts/{account_id}/regenerate-token"),
        &admin,
        Some(json!({ "gracePeriodInMinutes": 1.5 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["previousTokenValidUntil"].is_string());

    // Delete by manifest: the account, then its team.
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/delete",
        &admin,
        Some(json!({ "manifest": account })),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, body) = answer(
        &app,
        "POST",
        "/api/svc/v1/delete",
        &admin,
        Some(json!({ "manifest": team })),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _) = answer(
        &app,
        "POST",
        "/api/svc/v1/delete",
        &admin,
        Some(json!({ "manifest": { "type": "team", "name": "runners" } })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = answer(
        &app,
        "PUT",
        "/api/svc/v1/apply",
        &admin,
        Some(apply(json!({ "type": "workspace", "name": "w" }), false)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "manifest.type");
}
