//! A throwaway PostgreSQL cluster: local server binaries → initdb in a temp dir → a server on
//! 127.0.0.1. Hands [`Server`](crate::Server) a superuser URL; a watchdog removes it all.

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

/// A running PostgreSQL server in its own temp directory, trusting local connections.
///
/// Dropping it stops the server and removes the directory; so does the process's exit,
/// even when the `Cluster` sits in a static and is never dropped.
#[derive(Debug)]
pub struct Cluster {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    watchdog: Option<Child>,
    /// The write end of the watchdog's stdin: closing it starts the clean-up.
    lifeline: Option<ChildStdin>,
}

impl Cluster {
    /// Starts a cluster from the binaries [`find_binaries`] finds, as an unprivileged user
    /// when running as root (initdb and pg_ctl refuse root).
    pub fn start() -> Result<Cluster, HarnessError> {
        let bin = find_binaries()?;
        let user = if is_root() {
            Some(unprivileged_user())
        } else {
            None
        };
        let dir = make_dir(user)?;
        // From here on, the watchdog owns the clean-up, whatever fails next.
        let (watchdog, lifeline) = spawn_watchdog(&bin, &dir, user)?;
        let mut cluster = Cluster {
            dir,
            port: 0,
            bin,
            watchdog: Some(watchdog),
            lifeline: Some(lifeline),
        };
        cluster.init(user)?;
        cluster.start_server(user)?;
        Ok(cluster)
    }

    /// `postgres://postgres@127.0.0.1:<port>/<database>`.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
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
        let data = self.data_dir();
        let mut initdb = self.command("initdb", user);
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"]);
        run(initdb, &self.bin.join("initdb"))?;
        // Settings for a disposable server: no durability, only loopback and our own socket.
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
