/**
 * `npm start` and `apigw serve`: runs apigw with the settings from the environment (see
 * README "Settings"). Both run `serve` below; `apigw serve` turns its flags into the same
 * APIGW_* variables first.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "./config.js";
import { log } from "./log.js";
import { startApigw, type Apigw } from "./server.js";

export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<Apigw> {
  const config = loadConfig(env);
  const apigw = await startApigw(config);
  const k = apigw.defaultKey;
  console.log(`apigw control API  ${apigw.controlUrl}   (Version 2018-08-08, regions: ${config.regions.slice(0, 3).join(", ")}, …)`);
  console.log(`apigw gateway      ${apigw.gatewayUrl}   (Host: service-xxxxxxxx-<AppId>.<region>.${config.domainSuffix}, path /release|/prepub|/test/…)`);
  if (apigw.gatewayHttpsUrl) console.log(`apigw gateway TLS  ${apigw.gatewayHttpsUrl}`);
  console.log(`database           ${config.db}`);
  console.log(`default account    AppId ${k.account.appId}, Uin ${k.account.uin}${apigw.generatedKey ? " (key pair generated now, kept in the database)" : ""}`);
  console.log(`  SecretId   ${k.secretId}`);
  console.log(`  SecretKey  ${k.secretKey}`);

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info(`received ${signal}, shutting down`);
      void apigw.close().then(() => process.exit(0));
    });
  }
  return apigw;
}

/** Run directly (`npm start`, `tsx src/main.ts`), not when imported by the CLI. */
function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) await serve(process.env);
