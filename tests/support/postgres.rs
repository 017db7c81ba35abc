//! A throwaway PostgreSQL cluster for the team link's tests, made from the installed server
//! binaries (Debian's `postgresql` package): `initdb` into a temporary folder, `pg_ctl`
//! start on a Unix socket there and on 127.0.0.1 at a free port, stopped and removed when
//! dropped. `initdb` refuses to run as root: there, every server command runs as the
//! `postgres` user, who owns the folder. The binaries missing, the tests fail (they never
//! skip): install the package (README, prerequisites).

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The superuser of every test cluster, and its password (over TCP a password is asked).
pub const OWNER: &str = "team_owner";
pub const OWNER_PASSWORD: &str = "owner-Pw-7731";

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    /// The uid and gid the server runs as, when the tests run as root.
    run_as: Option<(u32, u32)>,
    running: bool,
}

/// The folder of the server binaries: `PG_BIN`, else the newest `/usr/lib/postgresql/N/bin`,
/// else wherever `initdb` is on the PATH.
fn server_binaries() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists());
    on_path.unwrap_or_else(|| {
        panic!(
            "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install them \
             (`apt-get install -y postgresql`) or name their folder in PG_BIN"
        )
    })
}

fn postgres_user() -> (u32, u32) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"postgres"))
                .then(|| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
                .flatten()
        })
        .expect("running as root, the tests need the `postgres` user the package makes")
}

fn is_root() -> bool {
    // SAFETY-free: the owner of /proc/self is the process's user.
    std::fs::metadata("/proc/self").is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt as _;
        m.uid() == 0
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Cluster {
    /// A new cluster, started, with a database `team` owned by [`OWNER`]. With `tls`, the
    /// server also offers TLS with a self-signed certificate for `localhost`
    /// ([`Cluster::certificate`]).
    pub fn start(tls: bool) -> Self {
        let bin = server_binaries();
        let dir = tempfile::Builder::new()
            .prefix("sc-pg-")
            .tempdir()
            .expect("temporary folder");
        let run_as = is_root().then(postgres_user);
        let cluster = Self {
            dir,
            bin,
            port: free_port(),
            run_as,
            running: false,
        };
        let pwfile = cluster.dir.path().join("pw");
        std::fs::write(&pwfile, format!("{OWNER_PASSWORD}\n")).unwrap();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(cluster.dir.path(), Some(uid), Some(gid)).unwrap();
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).unwrap();
        }
        let data = cluster.data();
        let out = cluster.server_command(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                OWNER,
                "--pwfile",
                pwfile.to_str().unwrap(),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut settings = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
             shared_buffers = 16MB\nmax_connections = 30\n",
            cluster.port,
            cluster.dir.path().display()
        );
        if tls {
            cluster.make_certificate();
            settings
                .push_str("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        }
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).unwrap();
        text.push_str(&settings);
        std::fs::write(&conf, text).unwrap();
        let mut cluster = cluster;
        cluster.start_server();
        cluster.psql("postgres", &format!("CREATE DATABASE team OWNER {OWNER}"));
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The server's self-signed certificate (a root to verify it against).
    pub fn certificate(&self) -> PathBuf {
        self.dir.path().join("root.crt")
    }

    fn make_certificate(&self) {
        let data = self.data();
        let key = data.join("server.key");
        let crt = data.join("server.crt");
        // A CA of the test's own, and the server's certificate signed by it (rustls, as
        // webpki, refuses a CA certificate used as the server's own).
        let ca_key = self.dir.path().join("ca.key");
        let csr = self.dir.path().join("server.csr");
        let ext = self.dir.path().join("server.ext");
        std::fs::write(
            &ext,
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        let openssl = |args: &[&std::ffi::OsStr]| {
            let out = Command::new("openssl")
                .args(args)
                .output()
                .expect("openssl (Debian's openssl package) makes the test certificates");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let os = |s: &str| std::ffi::OsString::from(s);
        openssl(&[
            &os("req"),
            &os("-x509"),
            &os("-newkey"),
            &os("rsa:2048"),
            &os("-nodes"),
            &os("-days"),
            &os("2"),
            &os("-subj"),
            &os("/CN=support-console test CA"),
            &os("-keyout"),
            ca_key.as_os_str(),
            &os("-out"),
            self.certificate().as_os_str(),
        ]);
        openssl(&[
            &os("req"),
            &os("-newkey"),
            &os("rsa:2048"),
            &os("-nodes"),
            &os("-subj"),
            &os("/CN=localhost"),
            &os("-keyout"),
            key.as_os_str(),
            &os("-out"),
            csr.as_os_str(),
        ]);
        openssl(&[
            &os("x509"),
            &os("-req"),
            &os("-in"),
            csr.as_os_str(),
            &os("-CA"),
            self.certificate().as_os_str(),
            &os("-CAkey"),
            ca_key.as_os_str(),
            &os("-CAcreateserial"),
            &os("-days"),
            &os("2"),
            &os("-extfile"),
            ext.as_os_str(),
            &os("-out"),
            crt.as_os_str(),
        ]);
        std::fs::set_permissions(
            &key,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
        )
        .unwrap();
        if let Some((uid, gid)) = self.run_as {
            std::os::unix::fs::chown(&key, Some(uid), Some(gid)).unwrap();
            std::os::unix::fs::chown(&crt, Some(uid), Some(gid)).unwrap();
        }
    }

    /// Runs a server binary, as `postgres` when the tests run as root.
    fn server_command(&self, name: &str, args: &[&str]) -> Output {
        let program = self.bin.join(name);
        let mut command = if self.run_as.is_some() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
    }

    fn start_server(&mut self) {
        let data = self.data();
        let log = self.dir.path().join("server.log");
        let out = self.server_command(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        self.running = true;
    }

    /// Stops the server (fast: sessions are ended).
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        let data = self.data();
        let _ = self.server_command(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
        self.running = false;
    }

    /// Starts it again, on the same port.
    pub fn restart(&mut self) {
        self.start_server();
    }

    /// The address of database `team` over TCP, as `user` with `password` (the owner's,
    /// when `None` is given for both).
    pub fn url(&self, user: Option<(&str, &str)>) -> String {
        let (user, password) = user.unwrap_or((OWNER, OWNER_PASSWORD));
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/team?sslmode=disable",
            self.port
        )
    }

    /// The address over TCP without a password (for the env and the password file).
    pub fn url_without_password(&self, user: &str) -> String {
        format!(
            "postgres://{user}@127.0.0.1:{}/team?sslmode=disable",
            self.port
        )
    }

    /// Runs SQL as the owner over the Unix socket with `psql`; its output, rows unaligned.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let psql = [self.bin.join("psql"), PathBuf::from("/usr/bin/psql")]
            .into_iter()
            .find(|p| p.exists())
            .expect("psql");
        let out = Command::new(psql)
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg("-h")
            .arg(self.dir.path())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                OWNER,
                "-d",
                database,
                "-c",
                sql,
            ])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Every value of every table of ours, as text (for looking for what must not be there).
    pub fn dump(&self) -> String {
        self.psql(
            "team",
            "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM (
                 SELECT e::text AS t FROM support_console.events e
                 UNION ALL SELECT c::text FROM support_console.consoles c) rows",
        )
    }

    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}
