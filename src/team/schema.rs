//! The team database's schema, in versioned migrations applied on first connect: each in
//! one transaction, under an advisory lock so that consoles connecting at once apply it
//! once. A console whose role may only insert events (see docs/team.md) finds the schema
//! made by the owner's first connection and goes on; before that, it is told what to do.

use super::TeamError;
use super::link::Link;

/// The schema every object lives in.
pub const SCHEMA: &str = "support_console";

/// The migrations, in order: version n is `MIGRATIONS[n - 1]`.
const MIGRATIONS: [&str; 2] = [
    // 1: the events and the consoles that sent them.
    "CREATE TABLE IF NOT EXISTS support_console.consoles (
         console_id text PRIMARY KEY,
         first_seen timestamptz NOT NULL DEFAULT now()
     );
     CREATE TABLE IF NOT EXISTS support_console.events (
         event_id text PRIMARY KEY,
         console_id text NOT NULL,
         at timestamptz NOT NULL,
         as_of timestamptz,
         kind text NOT NULL,
         guide_id text,
         template_id text,
         content_version text NOT NULL DEFAULT '',
         message_kind text,
         bytes integer,
         entry text,
         query text,
         hits integer,
         reason text,
         text text NOT NULL DEFAULT '',
         received_at timestamptz NOT NULL DEFAULT now()
     );
     CREATE INDEX IF NOT EXISTS events_at ON support_console.events (at);
     CREATE INDEX IF NOT EXISTS events_kind_at ON support_console.events (kind, at);",
    // 2: the two roles: consoles insert, the report reads. Made where the role applying
    // the migration may make roles; granted to whoever has them.
    "DO $$
     BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'support_console_push') THEN
             CREATE ROLE support_console_push NOLOGIN;
         END IF;
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'support_console_report') THEN
             CREATE ROLE support_console_report NOLOGIN;
         END IF;
     EXCEPTION WHEN insufficient_privilege THEN
         RAISE NOTICE 'support-console roles not made: %', SQLERRM;
     END $$;
     DO $$
     BEGIN
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'support_console_push') THEN
             GRANT USAGE ON SCHEMA support_console TO support_console_push;
             GRANT INSERT ON support_console.events, support_console.consoles
                 TO support_console_push;
             GRANT SELECT ON support_console.migrations TO support_console_push;
         END IF;
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'support_console_report') THEN
             GRANT USAGE ON SCHEMA support_console TO support_console_report;
             GRANT SELECT ON ALL TABLES IN SCHEMA support_console TO support_console_report;
         END IF;
     END $$;",
];

/// The version this program writes.
pub const VERSION: i32 = 2;

/// A lock number of our own ("SCLG"), held while migrations run.
const LOCK: i64 = 0x5343_4c47;

/// Brings the schema to [`VERSION`] if it is behind and the role may; otherwise checks it is
/// there.
pub fn migrate(link: &mut Link) -> Result<(), TeamError> {
    match current_version(link) {
        Ok(version) if version >= VERSION => return Ok(()),
        Ok(_) | Err(Missing) => {}
    }
    let url = link.url().clone();
    let applied = link.run(
        "데이터베이스 형식을 올릴 수 없습니다",
        async |client| {
            let transaction = client.transaction().await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
                .await?;
            transaction
                .batch_execute(
                    "CREATE SCHEMA IF NOT EXISTS support_console;
                 CREATE TABLE IF NOT EXISTS support_console.migrations (
                     version integer PRIMARY KEY,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 );",
                )
                .await?;
            let row = transaction
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM support_console.migrations",
                    &[],
                )
                .await?;
            let mut version: i32 = row.get(0);
            while version < VERSION {
                let Some(migration) = usize::try_from(version)
                    .ok()
                    .and_then(|v| MIGRATIONS.get(v))
                else {
                    break;
                };
                transaction.batch_execute(migration).await?;
                version += 1;
                transaction
                    .execute(
                        "INSERT INTO support_console.migrations (version) VALUES ($1)",
                        &[&version],
                    )
                    .await?;
            }
            transaction.commit().await
        },
    );
    match applied {
        Ok(()) => Ok(()),
        Err(TeamError::Denied(_)) => Err(TeamError::Schema(format!(
            "{url}: 팀 데이터베이스 형식이 아직 없거나 낡았는데 이 계정은 만들 권한이 없습니다. \
             데이터베이스 소유자 계정으로 한 번 `support-console history push --team URL`을 \
             실행하세요 (docs/team.md)"
        ))),
        Err(err) => Err(err),
    }
}

/// The migrations table is not there (or cannot be read by this role).
struct Missing;

fn current_version(link: &mut Link) -> Result<i32, Missing> {
    link.run(
        "데이터베이스 형식을 읽을 수 없습니다",
        async |client| {
            let row = client
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM support_console.migrations",
                    &[],
                )
                .await?;
            Ok(row.get::<_, i32>(0))
        },
    )
    .map_err(|_| Missing)
}
