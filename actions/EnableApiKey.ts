/**
 * EnableApiKey (启用密钥): enables a disabled key pair again. Enabling an enabled key answers
 * UnsupportedOperation.UnsupportedUpdateApiKey.
 */
import { defineAction } from "../src/control/action.js";
import { setKeyStatus } from "../src/resources/apiKeys.js";
import { notifyServices, servicesOfKeys } from "../src/resources/usagePlans.js";
import { isoTime } from "../src/time.js";
import * as schema from "../schema/apiKeys.js";

export default defineAction({
  name: "EnableApiKey",
  input: schema.EnableApiKey,
  async handler(input, ctx) {
    await setKeyStatus(ctx.db, ctx.scope, input.AccessKeyId, 1, isoTime(ctx.now));
    notifyServices(ctx, await servicesOfKeys(ctx.db, ctx.scope, [input.AccessKeyId]));
    return { Result: true };
  },
});
