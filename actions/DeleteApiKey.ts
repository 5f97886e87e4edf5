/**
 * DeleteApiKey (删除密钥): deletes a key pair. As in the console, only a disabled key can be
 * deleted (UnsupportedOperation.InvalidStatus: disable it first), and only when no usage plan
 * holds it (UnsupportedOperation.ResourceIsInUse: unbind it with UnBindSecretIds first).
 */
import { ApiError } from "../src/control/errors.js";
import { defineAction } from "../src/control/action.js";
import { apiKeys } from "../src/resources/apiKeys.js";
import { plansOfKeys } from "../src/resources/usagePlans.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "DeleteApiKey",
  input: schema.DeleteApiKey,
  async handler(input, ctx) {
    const key = await apiKeys.get(ctx.db, ctx.scope, input.AccessKeyId);
    if (key.Status !== 0) {
      throw new ApiError("UnsupportedOperation.InvalidStatus", `API key \`${key.AccessKeyId}\` is enabled: disable it (DisableApiKey) before deleting it.`);
    }
    const plans = (await plansOfKeys(ctx.db, ctx.scope, [key.AccessKeyId])).get(key.AccessKeyId)!;
    if (plans.length) {
      throw new ApiError(
        "UnsupportedOperation.ResourceIsInUse",
        `API key \`${key.AccessKeyId}\` is bound to usage plan(s) ${plans.join(", ")}: unbind it (UnBindSecretIds) before deleting it.`,
      );
    }
    await apiKeys.remove(ctx.db, ctx.scope, key.AccessKeyId);
    // The gateway's key list is per account and region: refresh it (a key bound nowhere yet
    // must answer 403 "no usage plan", not 401 "unknown key").
    ctx.afterCommit(() => ctx.events.changed(ctx.scope));
    return { Result: true };
  },
});
