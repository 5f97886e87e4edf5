/**
 * The `apigw` command line (bin/apigw.mjs runs this through tsx):
 *
 *   apigw serve                      start the server (as npm start)
 *   apigw call <Action> [--P v …]    one signed control-API call, the answer as JSON
 *   apigw credentials list|create    local accounts and key pairs (database file)
 *   apigw export / apigw import      an account's whole configuration as one JSON document
 *
 * Exit codes: 0 success, 1 the call failed (API error), 2 usage error.
 */
import { UsageError } from "./args.js";

export const usage = `apigw — a local API gateway speaking the 2018-08-08 control API

Usage: apigw <command> [options]

Commands:
  serve                          start the control API and the gateway (what npm start runs)
  call <Action> [--Param v …]    call one action, print the answer as JSON
  credentials list|create        local accounts and key pairs (in the database file)
  export [--region R]            write one account's configuration as JSON
  import FILE                    load an export into a database file

\`apigw <command> --help\` for a command's options; \`apigw call --help\` lists the actions,
\`apigw call <Action> --help\` an action's parameters.`;

type Command = (argv: string[], env: NodeJS.ProcessEnv) => Promise<number | "running">;

/** Loaded on use: `apigw call` does not pay for the store, nor `apigw export` for the client. */
const commands: Record<string, Command> = {
  serve: async (argv, env) => (await import("./serve.js")).serveCommand(argv, env),
  call: async (argv, env) => (await import("./call.js")).callCommand(argv, env),
  credentials: async (argv, env) => (await import("./credentials.js")).credentialsCommand(argv, env),
  export: async (argv, env) => (await import("./transfer.js")).exportCommand(argv, env),
  import: async (argv, env) => (await import("./transfer.js")).importCommand(argv, env),
};

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number | "running"> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    if (name === "help" && rest[0] && commands[rest[0]]) return commands[rest[0]]!(["--help"], env);
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`apigw: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  try {
    return await command(rest, env);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`apigw ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

const code = await run(process.argv.slice(2));
if (code !== "running") {
  // Let stdout drain before exiting (piped output would otherwise be cut).
  process.exitCode = code;
}
