//! A throwaway PostgreSQL cluster: local server binaries → initdb (or pg_basebackup of another
//! cluster, for a hot standby) in a temp dir → a server on 127.0.0.1. Hands
//! [`Server`](crate::Server) and tests a superuser URL; a watchdog removes it all.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::HarnessError;

/// Where Debian and Ubuntu put each major version's server binaries.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// The superuser `initdb` creates.
const SUPERUSER: &str = "postgres";

/// The TLS cluster's certificate and key, in its data directory (the server's defaults).
const SERVER_CERT: &str = "server.crt";
const SERVER_KEY: &str = "server.key";

/// How many ports to try when another process takes the free port first.
const PORT_ATTEMPTS: usize = 5;

/// Cleans up after the test process, which never drops its statics. Its stdin is a pipe
/// whose only writer is the process that started the cluster, so `cat` sees end-of-file
/// exactly when that process exits or is killed, with no polling and no pid reuse. It
/// ignores the terminal's signals (and has its own process group) so that Ctrl-C on a
/// test run does not kill it before it has cleaned up.
const WATCHDOG: &str = r#"
trap '' HUP INT TERM
cat >/dev/null
"$1" stop -D "$2" -m fast -w -t 30 >/dev/null 2>&1 ||
    "$1" stop -D "$2" -m immediate -w -t 30 >/dev/null 2>&1
rm -rf "$3"
"#;

/// How [`Cluster::start_with`] sets a cluster up.
#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// When set, TCP connections must authenticate with scram-sha-256 and this is the
    /// superuser's password (it goes into [`Cluster::url`] as is, so keep it URL-safe).
    /// The cluster's own Unix socket stays trusted.
    pub password: Option<String>,
    /// When set, the server speaks TLS with a self-signed certificate for `127.0.0.1`
    /// (made with the `openssl` command; [`Cluster::root_cert`]) and `pg_hba.conf` accepts TCP
    /// connections only over TLS (`hostssl`). The Unix socket stays open to the harness.
    pub tls: bool,
}

/// A running PostgreSQL server in its own temp directory, trusting local connections
/// unless [`ClusterOptions::password`] says otherwise.
///
/// Dropping it stops the server and removes the directory; so does the process's exit,
/// even when the `Cluster` sits in a static and is never dropped.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    password: Option<String>,
    tls: bool,
    watchdog: Option<Child>,
    /// The write end of the watchdog's stdin: closing it starts the clean-up.
    lifeline: Option<ChildStdin>,
}

impl Cluster {
    /// Starts a cluster from the binaries [`find_binaries`] finds, as an unprivileged user
    /// when running as root (initdb and pg_ctl refuse root).
    pub fn start() -> Result<Cluster, HarnessError> {
        Cluster::launch(find_binaries()?, ClusterOptions::default())
    }

    /// Starts a cluster set up as `options` says, for a test that needs a cluster of its
    /// own whatever `DATABASE_URL` says: without local server binaries, the error says
    /// that `DATABASE_URL` cannot stand in for them.
    pub fn start_with(options: ClusterOptions) -> Result<Cluster, HarnessError> {
        let bin = find_binaries().map_err(|e| match e {
            HarnessError::NoPostgres { searched } => {
                HarnessError::OwnClusterNeedsBinaries { searched }
            }
            other => other,
        })?;
        Cluster::launch(bin, options)
    }

    /// initdb and start, from the binaries in `bin`.
    fn launch(bin: PathBuf, options: ClusterOptions) -> Result<Cluster, HarnessError> {
        let user = server_user();
        let mut cluster = Cluster::prepare(bin, options.password, user)?;
        cluster.tls = options.tls;
        cluster.init(user)?;
        cluster.start_server(user)?;
        Ok(cluster)
    }

    /// Starts a hot standby of `primary`: a `pg_basebackup -R` of it, streaming from it,
    /// read-only, with `pg_is_in_recovery()` true once this returns. It has the primary's
    /// roles, databases and password.
    pub fn standby_of(primary: &Cluster) -> Result<Cluster, HarnessError> {
        let user = server_user();
        let mut standby = Cluster::prepare(primary.bin.clone(), primary.password.clone(), user)?;
        // Over the primary's Unix socket, which initdb's pg_hba.conf trusts for replication
        // whatever the TCP method; `-R` writes that conninfo for the standby to stream with.
        let mut basebackup = standby.command("pg_basebackup", user);
        basebackup
            .arg("-D")
            .arg(standby.data_dir())
            .arg("-h")
            .arg(&primary.dir)
            .arg("-p")
            .arg(primary.port.to_string())
            .args([
                "-U",
                SUPERUSER,
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]);
        run(basebackup, &standby.bin.join("pg_basebackup"))?;
        // The copied postgresql.conf names the primary's socket directory: use our own.
        standby.append_settings()?;
        standby.start_server(user)?;
        standby.check_in_recovery()?;
        Ok(standby)
    }

    /// Makes the cluster's directory and its watchdog, which owns the clean-up from here on,
    /// whatever fails next.
    fn prepare(
        bin: PathBuf,
        password: Option<String>,
        user: Option<User>,
    ) -> Result<Cluster, HarnessError> {
        let dir = make_dir(user)?;
        let (watchdog, lifeline) = spawn_watchdog(&bin, &dir, user)?;
        Ok(Cluster {
            dir,
            port: 0,
            bin,
            password,
            tls: false,
            watchdog: Some(watchdog),
            lifeline: Some(lifeline),
        })
    }

    /// `postgres://postgres@127.0.0.1:<port>/<database>`, or `postgres://postgres:<password>@...`
    /// when the cluster requires a password.
    pub fn url(&self, database: &str) -> String {
        let password = match &self.password {
            Some(password) => format!(":{password}"),
            None => String::new(),
        };
        format!(
            "postgres://{SUPERUSER}{password}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// `host=<socket dir> port=<port> user=postgres dbname=<database>`: the cluster's own
    /// Unix socket, trusted, without TLS, for the harness's administration.
    pub fn socket_conninfo(&self, database: &str) -> String {
        format!(
            "host={} port={} user={SUPERUSER} dbname={database}",
            self.dir.display(),
            self.port
        )
    }

    /// The server's self-signed certificate, which is its own root: `sslrootcert` for
    /// `sslmode=verify-full`. `None` unless the cluster was started with
    /// [`ClusterOptions::tls`].
    pub fn root_cert(&self) -> Option<PathBuf> {
        self.tls.then(|| self.data_dir().join(SERVER_CERT))
    }

    /// The superuser's password, when TCP connections require one.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The port the server listens on at 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the data directory, socket and log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory of the server binaries in use.
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log_file(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    fn init(&self, user: Option<User>) -> Result<(), HarnessError> {
        let mut initdb = self.command("initdb", user);
        initdb
            .arg("-D")
            .arg(self.data_dir())
            .args(["-U", SUPERUSER, "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"]);
        let pwfile = self.dir.join("pwfile");
        match &self.password {
            None => {
                initdb.arg("--auth=trust");
            }
            Some(password) => {
                write_private(&pwfile, password, user)?;
                initdb
                    .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
                    .arg("--pwfile")
                    .arg(&pwfile);
            }
        }
        let result = run(initdb, &self.bin.join("initdb"));
        if self.password.is_some() {
            let _ = fs::remove_file(&pwfile);
        }
        result?;
        self.append_settings()?;
        if self.tls {
            self.require_tls(user)?;
        }
        Ok(())
    }

    /// A self-signed certificate for `127.0.0.1`, `ssl = on`, and a `pg_hba.conf` that
    /// takes TCP connections over TLS only (Unix-socket ones stay trusted).
    fn require_tls(&self, user: Option<User>) -> Result<(), HarnessError> {
        let data = self.data_dir();
        let mut openssl = Command::new("openssl");
        openssl
            .current_dir(&data)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .args(["req", "-new", "-x509", "-nodes", "-days", "2"])
            .args([
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                SERVER_KEY,
                "-out",
                SERVER_CERT,
            ]);
        if let Some(user) = user {
            openssl.uid(user.uid).gid(user.gid);
        }
        run(openssl, Path::new("openssl")).map_err(|e| match e {
            HarnessError::Io { source, .. } => HarnessError::Io {
                action: "run `openssl`, which makes the TLS test cluster's certificate \
                         (install the `openssl` package)"
                    .into(),
                source,
            },
            other => other,
        })?;
        // The server refuses a key that others may read.
        let key = data.join(SERVER_KEY);
        fs::set_permissions(&key, fs::Permissions::from_mode(0o600))
            .map_err(HarnessError::io(format!("restrict {}", key.display())))?;
        let method = if self.password.is_some() {
            "scram-sha-256"
        } else {
            "trust"
        };
        let hba = format!(
            "# watcher-schema-tests: TCP over TLS only\n\
             local all all trust\n\
             local replication all trust\n\
             hostssl all all 127.0.0.1/32 {method}\n\
             hostssl all all ::1/128 {method}\n"
        );
        let path = data.join("pg_hba.conf");
        fs::write(&path, hba).map_err(HarnessError::io(format!("write {}", path.display())))?;
        let conf = data.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut f| f.write_all(b"ssl = on\n"))
            .map_err(HarnessError::io(format!("append to {}", conf.display())))
    }

    /// Settings for a disposable server: no durability, only loopback and our own socket.
    fn append_settings(&self) -> Result<(), HarnessError> {
        let data = self.data_dir();
        let settings = format!(
            "\n# watcher-schema-tests\nlisten_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\nfsync = off\nfull_page_writes = off\n\
             synchronous_commit = off\nmax_connections = 200\n",
            self.dir.display().to_string().replace('\'', "''")
        );
        let conf = data.join("postgresql.conf");
        fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(HarnessError::io(format!("append to {}", conf.display())))
    }

    fn start_server(&mut self, user: Option<User>) -> Result<(), HarnessError> {
        let mut last_error = None;
        for _ in 0..PORT_ATTEMPTS {
            self.port = free_port()?;
            let mut pg_ctl = self.command("pg_ctl", user);
            pg_ctl
                .arg("-D")
                .arg(self.data_dir())
                .arg("-l")
                .arg(self.log_file())
                .args(["-w", "-t", "60", "-o"])
                .arg(format!("-p {}", self.port))
                .arg("start");
            match run(pg_ctl, &self.bin.join("pg_ctl")) {
                Ok(()) => return Ok(()),
                Err(HarnessError::Program {
                    program,
                    status,
                    output,
                }) => {
                    let log = fs::read_to_string(self.log_file()).unwrap_or_default();
                    let taken = log.contains("could not bind");
                    last_error = Some(HarnessError::Program {
                        program,
                        status,
                        output: format!("{output}\n{}", tail(&log, 20)),
                    });
                    if !taken {
                        break;
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Err(last_error.expect("at least one attempt"))
    }

    /// Checks that the server, now accepting connections, is in recovery (a standby).
    fn check_in_recovery(&self) -> Result<(), HarnessError> {
        let url = self.url("postgres");
        let statement = "SELECT pg_is_in_recovery()";
        let connect = |source| HarnessError::Connect {
            url: crate::url::redact(&url),
            source,
        };
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(connect)?;
        let row = client
            .query_one(statement, &[])
            .map_err(|source| HarnessError::Sql {
                statement: statement.to_string(),
                source,
            })?;
        if row.get::<_, bool>(0) {
            Ok(())
        } else {
            Err(HarnessError::NotAStandby {
                url: crate::url::redact(&url),
                log: tail(&fs::read_to_string(self.log_file()).unwrap_or_default(), 20),
            })
        }
    }

    /// A command for one of the cluster's programs, run as `user`, in the cluster's directory
    /// (the caller's may be unreadable to that user), with its output captured.
    fn command(&self, program: &str, user: Option<User>) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(user) = user {
            command.uid(user.uid).gid(user.gid);
        }
        command
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        if let Some(mut watchdog) = self.watchdog.take() {
            // Waiting makes "dropped" mean "stopped and removed".
            let _ = watchdog.wait();
        }
    }
}

/// The directory holding `initdb`, `pg_ctl` and `postgres` (symlinks resolved): the first
/// on `PATH`, else the highest version under `/usr/lib/postgresql/*/bin`.
pub fn find_binaries() -> Result<PathBuf, HarnessError> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|p| dir.join(p).is_file())
    };
    let mut searched = Vec::new();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_all(&dir) {
                // Through symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb)
                // to the directory that also holds pg_dump and the rest of that version.
                let real = fs::canonicalize(dir.join("initdb"))
                    .ok()
                    .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
                    .filter(|real| has_all(real));
                return Ok(real.unwrap_or(dir));
            }
        }
        searched.push(PathBuf::from("PATH"));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir(DEBIAN_ROOT)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_all(bin))
        .collect();
    versions.sort();
    match versions.pop() {
        Some((_, bin)) => Ok(bin),
        None => {
            searched.push(Path::new(DEBIAN_ROOT).join("*/bin"));
            Err(HarnessError::NoPostgres { searched })
        }
    }
}

/// The user the server runs as when we are root.
#[derive(Debug, Clone, Copy)]
struct User {
    uid: u32,
    gid: u32,
}

/// The user to run the server programs as: an unprivileged one when we are root.
fn server_user() -> Option<User> {
    is_root().then(unprivileged_user)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `nobody` from /etc/passwd, or the conventional 65534 where it is missing.
fn unprivileged_user() -> User {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.len() > 3 && fields[0] == "nobody")
        .and_then(|fields| {
            Some(User {
                uid: fields[2].parse().ok()?,
                gid: fields[3].parse().ok()?,
            })
        })
        .unwrap_or(User {
            uid: 65534,
            gid: 65534,
        })
}

/// `$TMPDIR/watcher-pg-<pid>-<n>`, mode 0700, owned by `user`.
fn make_dir(user: Option<User>) -> Result<PathBuf, HarnessError> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "watcher-pg-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let action = || format!("create the cluster directory {}", dir.display());
    fs::create_dir(&dir).map_err(HarnessError::io(action()))?;
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700))
        .map_err(HarnessError::io(action()))?;
    if let Some(user) = user {
        std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid))
            .map_err(HarnessError::io(action()))?;
    }
    Ok(dir)
}

/// Writes `text` to a new file only the server's user can read.
fn write_private(path: &Path, text: &str, user: Option<User>) -> Result<(), HarnessError> {
    let action = || format!("write {}", path.display());
    fs::write(path, text).map_err(HarnessError::io(action()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600))
        .map_err(HarnessError::io(action()))?;
    if let Some(user) = user {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
            .map_err(HarnessError::io(action()))?;
    }
    Ok(())
}

fn spawn_watchdog(
    bin: &Path,
    dir: &Path,
    user: Option<User>,
) -> Result<(Child, ChildStdin), HarnessError> {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(WATCHDOG)
        .arg("watcher-pg-watchdog")
        .arg(bin.join("pg_ctl"))
        .arg(dir.join("data"))
        .arg(dir)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if let Some(user) = user {
        command.uid(user.uid).gid(user.gid);
    }
    let mut child = command
        .spawn()
        .map_err(HarnessError::io("start the cluster's watchdog (sh)"))?;
    let lifeline = child.stdin.take().expect("stdin is piped");
    Ok((child, lifeline))
}

/// A port nobody listens on right now (another process may still take it first).
fn free_port() -> Result<u16, HarnessError> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(HarnessError::io("find a free port on 127.0.0.1"))
}

fn run(mut command: Command, program: &Path) -> Result<(), HarnessError> {
    let output = command
        .output()
        .map_err(HarnessError::io(format!("run {}", program.display())))?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Err(HarnessError::Program {
        program: program.to_path_buf(),
        status: output.status,
        output: tail(&text, 20),
    })
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
