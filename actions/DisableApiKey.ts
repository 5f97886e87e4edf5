/**
 * DisableApiKey (禁用密钥): disables a key pair; the gateway refuses calls signed with it at
 * once. Disabling a disabled key answers UnsupportedOperation.UnsupportedUpdateApiKey.
 */
import { defineAction } from "../src/control/action.js";
import { setKeyStatus } from "../src/resources/apiKeys.js";
import { notifyServices, servicesOfKeys } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "DisableApiKey",
  input: schema.DisableApiKey,
  async handler(input, ctx) {
    await setKeyStatus(ctx.db, ctx.scope, input.AccessKeyId, 0, isoTime(ctx.now));
    notifyServices(ctx, await servicesOfKeys(ctx.db, ctx.scope, [input.AccessKeyId]));
    return { Result: true };
  },
});
