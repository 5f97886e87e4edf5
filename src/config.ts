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
    /** Applications per account (the document names the limit without a number). */
    apiAppsPerAccount: number;
    /** IP strategies per service. */
    ipStrategiesPerService: number;
    /** Entries (IPs and CIDRs) in one IP list. */
    ipListEntries: number;
  };
  /** Log level for the process log on stderr. */
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
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
      apiAppsPerAccount: intSetting(env, "APIGW_LIMIT_API_APPS", 1000),
      ipStrategiesPerService: intSetting(env, "APIGW_LIMIT_IP_STRATEGIES_PER_SERVICE", 50),
      ipListEntries: intSetting(env, "APIGW_LIMIT_IP_LIST_ENTRIES", 1000),
    },
    logLevel: (env.APIGW_LOG_LEVEL as Config["logLevel"]) || "info",
  };
  if (Boolean(config.secretId) !== Boolean(config.secretKey)) {
    throw new Error("APIGW_SECRET_ID and APIGW_SECRET_KEY must be given together");
  }
  return { ...config, ...overrides, limits: { ...config.limits, ...overrides.limits } };
}
