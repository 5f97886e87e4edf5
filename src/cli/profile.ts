/**
 * Where `apigw call` finds its endpoint and key pair. In order, the first that gives a value:
 *   1. flags: --endpoint, --secret-id, --secret-key, --region, --sign-method
 *   2. the profile named by --profile (an unknown name is an error)
 *   3. environment: APIGW_ENDPOINT, APIGW_SECRET_ID, APIGW_SECRET_KEY, APIGW_REGION, APIGW_SIGN_METHOD
 *   4. the profile named by APIGW_PROFILE, else `default` (when the file has one)
 *   5. built-in: http://127.0.0.1:9000 (APIGW_CONTROL_PORT if set), ap-guangzhou, TC3-HMAC-SHA256
 *
 * The profile file is ~/.apigw/credentials (or --profile-file / APIGW_PROFILE_FILE), INI:
 *
 *   [default]
 *   endpoint   = http://127.0.0.1:9000
 *   secret_id  = AKID…
 *   secret_key = …
 *   region     = ap-guangzhou
 *   sign_method = TC3-HMAC-SHA256
 *
 * or JSON: {"default": {"endpoint": "…", "secretId": "…", "secretKey": "…", "region": "…"}}.
 * Keys may be snake_case or camelCase in both forms.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ApigwClientOptions, SignMethod } from "../client/index.js";
import { UsageError } from "./args.js";

export interface Profile {
  endpoint?: string;
  secretId?: string;
  secretKey?: string;
  region?: string;
  signMethod?: string;
}

const KEYS: Record<string, keyof Profile> = {
  endpoint: "endpoint",
  secret_id: "secretId",
  secretid: "secretId",
  secret_key: "secretKey",
  secretkey: "secretKey",
  region: "region",
  sign_method: "signMethod",
  signmethod: "signMethod",
};

function normalise(raw: Record<string, unknown>, where: string): Profile {
  const out: Profile = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = KEYS[k.toLowerCase()];
    if (!key) throw new UsageError(`${where}: unknown key "${k}" (expected endpoint, secret_id, secret_key, region, sign_method)`);
    if (typeof v !== "string") throw new UsageError(`${where}: "${k}" must be a string`);
    out[key] = v;
  }
  return out;
}

export function parseProfiles(text: string, file: string): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  if (text.trim().startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
    for (const [name, body] of Object.entries(json as Record<string, unknown>)) {
      if (!body || typeof body !== "object") throw new UsageError(`${file}: profile "${name}" must be an object`);
      profiles.set(name, normalise(body as Record<string, unknown>, `${file} [${name}]`));
    }
    return profiles;
  }
  let current: Record<string, string> | undefined;
  let currentName = "";
  const flush = () => {
    if (current) profiles.set(currentName, normalise(current, `${file} [${currentName}]`));
  };
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("#") || t.startsWith(";")) return;
    const section = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(t);
    if (section) {
      flush();
      currentName = section[1]!;
      current = {};
      return;
    }
    const eq = t.indexOf("=");
    if (eq < 0 || !current) throw new UsageError(`${file}:${i + 1}: expected "[profile]" or "key = value"`);
    current[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  });
  flush();
  return profiles;
}

export function profileFile(options: Map<string, string>, env: NodeJS.ProcessEnv): string {
  return options.get("profile-file") ?? env.APIGW_PROFILE_FILE ?? join(homedir(), ".apigw", "credentials");
}

/** The client settings for one invocation (see the order above). */
export function resolveSettings(options: Map<string, string>, env: NodeJS.ProcessEnv): ApigwClientOptions {
  const file = profileFile(options, env);
  const profiles = existsSync(file) ? parseProfiles(readFileSync(file, "utf8"), file) : new Map<string, Profile>();
  const explicit = options.get("profile");
  let chosen: Profile = {};
  if (explicit !== undefined) {
    const p = profiles.get(explicit);
    if (!p) throw new UsageError(`profile "${explicit}" not found in ${file}${profiles.size ? ` (profiles: ${[...profiles.keys()].join(", ")})` : ""}`);
    chosen = p;
  }
  const fallbackName = env.APIGW_PROFILE ?? "default";
  const fallback = profiles.get(fallbackName) ?? {};
  if (explicit === undefined && env.APIGW_PROFILE && !profiles.has(env.APIGW_PROFILE)) {
    throw new UsageError(`APIGW_PROFILE names profile "${env.APIGW_PROFILE}", which is not in ${file}`);
  }
  const pick = (flag: string, key: keyof Profile, envName: string): string | undefined =>
    options.get(flag) ?? chosen[key] ?? (env[envName] || undefined) ?? fallback[key];

  const endpoint = pick("endpoint", "endpoint", "APIGW_ENDPOINT") ?? `http://127.0.0.1:${env.APIGW_CONTROL_PORT || 9000}`;
  const secretId = pick("secret-id", "secretId", "APIGW_SECRET_ID");
  const secretKey = pick("secret-key", "secretKey", "APIGW_SECRET_KEY");
  const region = pick("region", "region", "APIGW_REGION") ?? "ap-guangzhou";
  const signMethod = pick("sign-method", "signMethod", "APIGW_SIGN_METHOD") ?? "TC3-HMAC-SHA256";
  if (!secretId || !secretKey) {
    throw new UsageError(
      "no key pair: give --secret-id and --secret-key, set APIGW_SECRET_ID and APIGW_SECRET_KEY, or use a profile (--profile, " +
        `file ${file}); \`apigw credentials list\` shows the local ones`,
    );
  }
  if (!["TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"].includes(signMethod)) {
    throw new UsageError(`sign method must be TC3-HMAC-SHA256, HmacSHA1 or HmacSHA256, got "${signMethod}"`);
  }
  const reqMethod = (options.get("req-method") ?? "POST").toUpperCase();
  if (reqMethod !== "POST" && reqMethod !== "GET") throw new UsageError(`--req-method must be POST or GET, got "${reqMethod}"`);
  return { endpoint, secretId, secretKey, region, signMethod: signMethod as SignMethod, reqMethod };
}
