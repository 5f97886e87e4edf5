/** `npm start`: runs apigw with the settings from the environment (see README "Settings"). */
import { loadConfig } from "./config.js";
import { log, setLogLevel } from "./log.js";
import { startApigw } from "./server.js";

const config = loadConfig(process.env);
setLogLevel(config.logLevel);
const apigw = await startApigw(config);
const k = apigw.defaultKey;
console.log(`apigw control API  ${apigw.controlUrl}   (Version 2018-08-08, regions: ${config.regions.slice(0, 3).join(", ")}, …)`);
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
