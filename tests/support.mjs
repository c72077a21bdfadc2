// Starts a real meldwijzer server on loopback for the HTTP and browser tests.
import { spawn, execFileSync } from "node:child_process";
import { once } from "node:events";
import { writeFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const binary = process.env.MELDWIJZER_BIN || path.join(root, "build", "meldwijzer");

// MELDWIJZER_TEST_PORT: the first port to try (each test file counts up from it), for machines
// where test servers must stay in a given range; otherwise a port derived from the process id.
let nextPort = Number(process.env.MELDWIJZER_TEST_PORT) || 20000 + (process.pid % 20000);

// MELDWIJZER_TEST_DB=postgresql://...: the servers store in PostgreSQL instead of SQLite, each new
// one in a schema of its own in that database (scripts/pg-test-cluster start prints such a URL).
export const testDatabase = process.env.MELDWIJZER_TEST_DB || "";
export const onPostgres = /^postgres(ql)?:/.test(testDatabase);
let schemaCount = 0;

function newDatabase(dir) {
  if (!onPostgres) return `sqlite:${path.join(dir, "meldwijzer.db")}`;
  const schema = `http_${process.pid}_${++schemaCount}`;
  execFileSync("psql", ["-qX", "-v", "ON_ERROR_STOP=1", "-c", `CREATE SCHEMA ${schema}`, testDatabase]);
  return `${testDatabase}${testDatabase.includes("?") ? "&" : "?"}options=-csearch_path%3D${schema}`;
}

// `previous`: start again on the database of an earlier server (after it stopped or was killed), or
// beside it while it runs (two servers, one database).
export async function startServer(extraConfig = "", previous = null) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = nextPort++;
    const dir = previous ? previous.dir : mkdtempSync(path.join(tmpdir(), "meldwijzer-test-"));
    const configPath = path.join(dir, "server.ini");
    const database = previous ? previous.database : newDatabase(dir);
    // dbArgs: what every command that opens the database takes. keyArgs: the server key file, for
    // the commands that also take --key (init, serve, reports, purge): beside the database for
    // SQLite (its default, so none), in the folder for PostgreSQL (a URL has no file to sit beside).
    const dbArgs = ["--db", database];
    const keyArgs = onPostgres ? ["--key", path.join(dir, "server.key")] : [];
    let recoveryKey = previous ? previous.recoveryKey : undefined;
    if (!previous) {
      const initOutput = execFileSync(binary, ["init", ...dbArgs, ...keyArgs]).toString();
      recoveryKey = (initOutput.match(/^ {4}([0-9A-Z]{4}(?:-[0-9A-Z]{2,4})+)$/m) || [])[1];
    }
    writeFileSync(configPath,
      `[server]\npublic_base_url = https://meldwijzer.example\n${extraConfig}`);
    const wrapper = (process.env.MELDWIJZER_WRAPPER || "").split(" ").filter(Boolean);
    const args = ["--data", path.join(root, "data"), "serve", "--listen", `127.0.0.1:${port}`,
      "--config", configPath, "--web", path.join(root, "web"), ...dbArgs, ...keyArgs];
    const child = wrapper.length
      ? spawn(wrapper[0], [...wrapper.slice(1), binary, ...args], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    const started = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 60000);
      const check = () => {
        if (output.includes("serving on")) { clearTimeout(timer); resolve(true); }
      };
      child.stdout.on("data", check);
      child.on("exit", () => { clearTimeout(timer); resolve(false); });
    });
    if (started) {
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        dir,
        database,
        dbArgs,
        keyArgs,
        recoveryKey,
        // what the database holds, as bytes: the SQLite files, or a dump of the server's schema
        // twice: as pg_dump writes it (bytea in hex) and with every bytea value turned back into its
        // bytes, so that a search for stored bytes finds them on either backend. (Rows only: the
        // table files keep dead tuples until VACUUM, see docs/architecture.md.)
        storedBytes() {
          if (!onPostgres) {
            return readdirSync(dir).filter((name) => name.startsWith("meldwijzer.db"))
              .map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) }));
          }
          const schema = database.match(/search_path%3D(\w+)/)[1];
          const dump = execFileSync("pg_dump", ["--data-only", "-n", schema, "-d", testDatabase]);
          const decoded = dump.toString("latin1").split(/\\\\x([0-9a-f]*)/)
            .map((part, i) => (i % 2 ? Buffer.from(part, "hex") : Buffer.from(part, "latin1")));
          return [{ name: `pg_dump -n ${schema}`, bytes: dump },
            { name: `pg_dump -n ${schema}, bytea decoded`, bytes: Buffer.concat(decoded) }];
        },
        output: () => output,
        kill() { child.kill("SIGKILL"); },
        async stop() {
          if (child.exitCode !== null) return child.exitCode;
          child.kill("SIGTERM");
          const [code] = await once(child, "exit");
          return code;
        },
      };
    }
    child.kill("SIGKILL");
    if (!/cannot listen/.test(output)) throw new Error(`server did not start: ${output}`);
  }
  throw new Error("no free port found");
}

export const pages = [
  "/", "/wegwijzer", "/wegwijzer?danger=yes",
  "/wegwijzer?danger=no&form=labour&form=criminal&minor=no&need=advice&region=rotterdam",
  "/wegwijzer?danger=yes&form=sexual&minor=yes&need=anonymous&region=other",
  "/signalen", "/signalen/uitslag?minor=1&signal=lange-dagen&signal=weinig-of-geen-loon&signal=moe-en-mager",
  "/signalen/uitslag", "/contact", "/privacy", "/poster", "/melden", "/opvolgen", "/bestaat-niet",
];

export const allPages = [...pages, ...pages.map((page) => `/en${page}`)];

// A kept-alive socket that the server closed after idling (header_seconds) can be picked by fetch just
// as it closes, more so when a child process (the CLI, the HTML checker) kept node's event loop from
// seeing the close. Browsers send an idempotent request again on a new connection then; so does this,
// for GETs only.
export async function fetchOnLiveSocket(url, options) {
  try {
    return await fetch(url, options);
  } catch (error) {
    if (error.cause?.code !== "UND_ERR_SOCKET") throw error;
    return fetch(url, options);
  }
}
