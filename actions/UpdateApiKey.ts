/**
 * UpdateApiKey (更换密钥): replaces a key pair's secret; the AccessKeyId stays. A manual
 * (custom) key needs the new AccessKeySecret (10–50 characters); an auto key gets a generated
 * one unless AccessKeySecret is given (the document is silent on that case: the given value
 * is used). The old secret stops working at once.
 */
import { errors } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiKeys, apiKeyView, generateAccessKeySecret } from "../src/resources/apiKeys.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "UpdateApiKey",
  input: schema.UpdateApiKey,
  async handler(input, ctx) {
    const key = await apiKeys.get(ctx.db, ctx.scope, input.AccessKeyId);
    if (key.AccessKeyType === "manual" && input.AccessKeySecret === undefined) throw errors.missing("AccessKeySecret");
    key.AccessKeySecret = input.AccessKeySecret ?? generateAccessKeySecret();
    key.ModifiedTime = isoTime(ctx.now);
    await apiKeys.update(ctx.db, ctx.scope, key.AccessKeyId, key);
    // The gateway's key list is per account and region: refresh it (a key bound nowhere yet
    // must answer 403 "no usage plan", not 401 "unknown key").
    ctx.afterCommit(() => ctx.events.changed(ctx.scope));
    return { Result: apiKeyView(key) };
  },
});
