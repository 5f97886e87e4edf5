/** Settings, read from APIGW_* environment variables (all optional). See README "Settings". */
export interface Credential {
  appId: string;
  secretId: string;
  secretKey: string;
}

export interface Config {
  controlPort: number;
  gatewayPort: number;
  host: string;
  /** SQLite file path, or ":memory:". */
  db: string;
  secretId?: string;
  secretKey?: string;
  /** Extra accounts: appId:secretId:secretKey. */
  credentials: Credential[];
  regions: string[];
  domainSuffix: string;
  /** Per-account, per-action request limits of the document; off only for bulk-loading tests. */
  actionRateLimit: boolean;
  /** Documented quotas, overridable. */
  limits: {
    servicesPerRegion: number;
    apisPerService: number;
    /** Usage plans per account and region (document: 200 per tenant). */
    usagePlansPerRegion: number;
    /** API keys (key pairs) per account and region (document: 400 per tenant). */
    apiKeysPerRegion: number;
    /** Keys one usage plan can be bound to (document: 50). */
    apiKeysPerUsagePlan: number;
    /** Usage plans one key can be bound to (document: 10). */
    usagePlansPerApiKey: number;
    /** APIs one usage plan can be bound to (document: 10000). */
    apisPerUsagePlan: number;
    /** Highest service / API throttling value (QPS) of a shared instance (document: 5000); the default service value. */
    serviceQps: number;
    /** Custom domains bound to one service (document: 5). */
    domainsPerService: number;
    /** API documents per account and region (the document gives no number). */
    apiDocsPerRegion: number;
    /** Applications per account (the document names the limit without a number). */
    apiAppsPerAccount: number;
    /** IP strategies per service. */
    ipStrategiesPerService: number;
    /** Entries (IPs and CIDRs) in one IP list. */
    ipListEntries: number;
  };
  /** PEM files of the gateway's HTTPS listener (APIGW_TLS_CERT / APIGW_TLS_KEY); no HTTPS listener without them. */
  tlsCert?: string;
  tlsKey?: string;
  /** Port of the gateway's HTTPS listener, when tlsCert/tlsKey are set. */
  gatewayHttpsPort: number;
  /** How long access-log records are kept (APIGW_LOG_RETENTION): days and/or a record count. */
  logRetention: LogRetention;
  /** Log level for the process log on stderr. */
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
}

/** Access-log retention: records older than `days`, and beyond the newest `records`, are deleted. */
export interface LogRetention {
  days?: number;
  records?: number;
}

/**
 * APIGW_LOG_RETENTION: comma-separated `<n>d` (days) and/or `<n>` (records), e.g. `30d`,
 * `500000` or `30d,1000000`. Default `30d,1000000` (the document keeps logs 30 days).
 */
export function parseLogRetention(raw: string | undefined): LogRetention {
  const value = raw === undefined || raw.trim() === "" ? "30d,1000000" : raw;
  const out: LogRetention = {};
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(d?)$/i.exec(part);
    if (!m || Number(m[1]) <= 0) throw new Error(`APIGW_LOG_RETENTION must be "<days>d" and/or "<records>" (comma-separated, positive), got "${value}"`);
    if (m[2]) out.days = Number(m[1]);
    else out.records = Number(m[1]);
  }
  return out;
}

export const DEFAULT_REGIONS = [
  "ap-guangzhou",
  "ap-shanghai",
  "ap-beijing",
  "ap-chengdu",
  "ap-chongqing",
  "ap-nanjing",
  "ap-hongkong",
  "ap-singapore",
  "ap-tokyo",
  "ap-seoul",
  "ap-bangkok",
  "ap-mumbai",
  "na-siliconvalley",
  "na-ashburn",
  "na-toronto",
  "eu-frankfurt",
  "eu-moscow",
];

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function parseCredentials(raw: string | undefined): Credential[] {
  if (!raw) return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [appId, secretId, secretKey] = entry.split(":");
      if (!appId || !secretId || !secretKey || !/^\d+$/.test(appId)) {
        throw new Error(`APIGW_CREDENTIALS entry "${entry}" must be appId:secretId:secretKey with a numeric appId`);
      }
      return { appId, secretId, secretKey };
    });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    controlPort: intSetting(env, "APIGW_CONTROL_PORT", 9000),
    gatewayPort: intSetting(env, "APIGW_GATEWAY_PORT", 8080),
    host: env.APIGW_HOST || "127.0.0.1",
    db: env.APIGW_DB || "./data/apigw.db",
    secretId: env.APIGW_SECRET_ID || undefined,
    secretKey: env.APIGW_SECRET_KEY || undefined,
    credentials: parseCredentials(env.APIGW_CREDENTIALS),
    regions: env.APIGW_REGIONS ? env.APIGW_REGIONS.split(",").map((r) => r.trim()).filter(Boolean) : DEFAULT_REGIONS,
    domainSuffix: env.APIGW_DOMAIN_SUFFIX || "apigw.localhost",
    actionRateLimit: env.APIGW_ACTION_RATE_LIMIT !== "off",
    limits: {
      servicesPerRegion: intSetting(env, "APIGW_LIMIT_SERVICES", 50),
      apisPerService: intSetting(env, "APIGW_LIMIT_APIS_PER_SERVICE", 200),
      usagePlansPerRegion: intSetting(env, "APIGW_LIMIT_USAGE_PLANS", 200),
      apiKeysPerRegion: intSetting(env, "APIGW_LIMIT_API_KEYS", 400),
      apiKeysPerUsagePlan: intSetting(env, "APIGW_LIMIT_API_KEYS_PER_USAGE_PLAN", 50),
      usagePlansPerApiKey: intSetting(env, "APIGW_LIMIT_USAGE_PLANS_PER_API_KEY", 10),
      apisPerUsagePlan: intSetting(env, "APIGW_LIMIT_APIS_PER_USAGE_PLAN", 10000),
      serviceQps: intSetting(env, "APIGW_LIMIT_SERVICE_QPS", 5000),
      domainsPerService: intSetting(env, "APIGW_LIMIT_DOMAINS_PER_SERVICE", 5),
      apiDocsPerRegion: intSetting(env, "APIGW_LIMIT_API_DOCS", 100),
      apiAppsPerAccount: intSetting(env, "APIGW_LIMIT_API_APPS", 1000),
      ipStrategiesPerService: intSetting(env, "APIGW_LIMIT_IP_STRATEGIES_PER_SERVICE", 50),
      ipListEntries: intSetting(env, "APIGW_LIMIT_IP_LIST_ENTRIES", 1000),
    },
    tlsCert: env.APIGW_TLS_CERT || undefined,
    tlsKey: env.APIGW_TLS_KEY || undefined,
    gatewayHttpsPort: intSetting(env, "APIGW_GATEWAY_HTTPS_PORT", 8443),
    logRetention: parseLogRetention(env.APIGW_LOG_RETENTION),
    logLevel: (env.APIGW_LOG_LEVEL as Config["logLevel"]) || "info",
  };
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new Error("APIGW_TLS_CERT and APIGW_TLS_KEY must be given together");
  }
  if (Boolean(config.secretId) !== Boolean(config.secretKey)) {
    throw new Error("APIGW_SECRET_ID and APIGW_SECRET_KEY must be given together");
  }
  return { ...config, ...overrides, limits: { ...config.limits, ...overrides.limits } };
}
