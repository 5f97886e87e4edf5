/**
 * `apigw serve`: what `npm start` runs (the same `serve` function of src/main.ts). Flags are
 * the settings' names without the APIGW_ prefix, in lower case with dashes:
 * `--control-port 9100` is APIGW_CONTROL_PORT=9100, `--db ./x.db` is APIGW_DB=./x.db.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, UsageError } from "./args.js";

/** The APIGW_* variables the server reads (from src/config.ts, so new settings are accepted as flags at once). */
export function knownSettings(): string[] {
  try {
    const source = readFileSync(fileURLToPath(new URL("../config.ts", import.meta.url)), "utf8");
    return [...new Set(source.match(/APIGW_[A-Z0-9_]+/g) ?? [])].sort();
  } catch {
    return [];
  }
}

const flagOf = (variable: string) => `--${variable.slice("APIGW_".length).toLowerCase().replace(/_/g, "-")}`;

export function serveUsage(): string {
  const settings = knownSettings();
  return [
    "Usage: apigw serve [--setting value …]",
    "",
    "Starts the control API and the gateway (what `npm start` runs) and prints the addresses,",
    "the database file and the default account's key pair. Settings come from the environment",
    "(README \"Settings\"); a flag overrides its variable:",
    "",
    ...settings.map((v) => `  ${flagOf(v).padEnd(40)}${v}`),
  ].join("\n");
}

/** The environment with the flags applied. */
export function serveEnv(argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | "help" {
  const args = parseArgs(argv);
  if (args.flags.has("help")) return "help";
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}" (settings are --name value)`);
  if (args.params.length) throw new UsageError(`unknown option --${args.params[0]![0]} (see \`apigw serve --help\`)`);
  const settings = new Set(knownSettings());
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of args.options) {
    const variable = `APIGW_${name.toUpperCase().replace(/-/g, "_")}`;
    if (settings.size && !settings.has(variable)) throw new UsageError(`unknown option --${name} (see \`apigw serve --help\`)`);
    out[variable] = value;
  }
  return out;
}

export async function serveCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number | "running"> {
  const serveEnvResult = serveEnv(argv, env);
  if (serveEnvResult === "help") {
    console.log(serveUsage());
    return 0;
  }
  const { serve } = await import("../main.js");
  await serve(serveEnvResult);
  return "running";
}
