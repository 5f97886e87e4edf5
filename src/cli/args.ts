/**
 * Command-line arguments: `--option value`, `--option=value`, boolean `--flag`, and for
 * `apigw call` the action's parameters, which start with a capital letter
 * (`--ServiceId x`, `--RequestConfig.Path /a`, repeated `--NetTypes OUTER --NetTypes INNER`).
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface Args {
  positionals: string[];
  /** Lower-case options (`--db file`), last value wins. */
  options: Map<string, string>;
  /** Boolean options present (`--json`, `--help`). */
  flags: Set<string>;
  /** Capitalised options, in order: an action's parameters. */
  params: Array<[name: string, value: string]>;
}

/**
 * `booleans` names the options that take no value; every other option takes the next
 * argument (or the text after `=`).
 */
export function parseArgs(argv: string[], booleans: readonly string[] = []): Args {
  const out: Args = { positionals: [], options: new Map(), flags: new Set(), params: [] };
  const bool = new Set(["help", ...booleans]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h") {
      out.flags.add("help");
      continue;
    }
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "--") {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!name) throw new UsageError(`empty option name in "${arg}"`);
    const isParam = /^[A-Z]/.test(name);
    if (!isParam && bool.has(name)) {
      if (eq > 0) {
        const v = arg.slice(eq + 1).toLowerCase();
        if (v === "false" || v === "0" || v === "no") continue;
      }
      out.flags.add(name);
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (isParam) out.params.push([name, value]);
    else out.options.set(name, value);
  }
  return out;
}

/** Refuses options the command does not know (a typo would otherwise be ignored silently). */
export function checkOptions(args: Args, known: readonly string[], command: string): void {
  const allowed = new Set(["help", ...known]);
  for (const name of [...args.options.keys(), ...args.flags]) {
    if (!allowed.has(name)) throw new UsageError(`unknown option --${name} for \`apigw ${command}\` (see \`apigw ${command} --help\`)`);
  }
}
